/**
 * {@link ProactiveMessenger} over botbuilder's `CloudAdapter.continueConversationAsync`.
 */
import type { Activity, CloudAdapter, ConversationReference } from 'botbuilder';
import type { ProactiveMessenger } from '../feature';

export class AdapterMessenger implements ProactiveMessenger {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
  ) {}

  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    let id = '';
    await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
      id = (await context.sendActivity(activity))?.id ?? '';
    });
    return id;
  }

  async update(
    reference: Partial<ConversationReference>,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<void> {
    await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
      await context.updateActivity({ ...activity, id: activityId, type: activity.type ?? 'message' });
    });
  }
}
