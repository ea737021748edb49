/**
 * The one module that loads `cards/*.json`. Templates are expanded with `adaptivecards-templating`; the result is
 * checked so that no unexpanded `${…}` binding of the template survives and the card stays well under the Teams
 * message size limit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';
import { repoRoot } from '../paths';

/** Teams accepts about 100 KB per message and recommends staying within 80 KB; we budget far below that. */
export const CARD_SIZE_BUDGET_BYTES = 28 * 1024;

/** An expanded Adaptive Card (JSON object). */
export type AdaptiveCardJson = Record<string, unknown>;

/** Thrown when a card cannot be rendered; always a programming error, never user input. */
export class CardRenderError extends Error {
  override readonly name = 'CardRenderError';
}

const BINDING = /\$\{[^}]*\}/;

/** A loaded template: the parsed `Template` (building one is the expensive part) and its own bindings. */
interface LoadedTemplate {
  readonly template: Template;
  readonly bindings: ReadonlySet<string>;
}

/** Loads every template once and renders them by name. */
export class CardRenderer {
  private readonly templates = new Map<string, LoadedTemplate>();

  constructor(readonly directory: string = path.join(repoRoot(), 'cards')) {
    for (const file of readdirSync(directory).filter((f) => f.endsWith('.json'))) {
      const json: unknown = JSON.parse(readFileSync(path.join(directory, file), 'utf8'));
      const bindings = new Set<string>();
      collectStrings(json, (s) => {
        for (const m of s.matchAll(/\$\{[^}]*\}/g)) bindings.add(m[0]);
      });
      this.templates.set(path.basename(file, '.json'), { template: new Template(json), bindings });
    }
  }

  /** Names of the loaded templates. */
  names(): string[] {
    return [...this.templates.keys()].sort();
  }

  /**
   * Expands a template with its data.
   * @throws CardRenderError for an unknown template, a binding left unexpanded (missing data) or an oversized card.
   */
  render(name: string, data: object): AdaptiveCardJson {
    const loaded = this.templates.get(name);
    if (loaded === undefined) throw new CardRenderError(`no card template named ${name}`);
    const card = loaded.template.expand({ $root: data }) as AdaptiveCardJson;
    const unexpanded = findTemplateLeftovers(loaded.bindings, card);
    if (unexpanded) throw new CardRenderError(`card ${name}: binding ${unexpanded} was not expanded`);
    const size = Buffer.byteLength(JSON.stringify(card), 'utf8');
    if (size > CARD_SIZE_BUDGET_BYTES) {
      throw new CardRenderError(
        `card ${name} is ${size} bytes, over the budget of ${CARD_SIZE_BUDGET_BYTES}`,
      );
    }
    return card;
  }

  /** {@link render} wrapped as a message attachment. */
  attachment(name: string, data: object): Attachment {
    return CardFactory.adaptiveCard(this.render(name, data));
  }
}

/**
 * Finds a binding of the template that is still present, verbatim, in the expanded card: the templating library
 * leaves an expression that evaluates to undefined as its source text. User text that happens to contain `${`
 * is not a leftover, since it is not one of the template's own expressions.
 */
function findTemplateLeftovers(bindings: ReadonlySet<string>, card: unknown): string | undefined {
  let found: string | undefined;
  collectStrings(card, (s) => {
    if (found || !BINDING.test(s)) return;
    for (const b of bindings) if (s.includes(b)) found = b;
  });
  return found;
}

function collectStrings(value: unknown, visit: (s: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, visit));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => collectStrings(v, visit));
}

/**
 * Escapes user-supplied text for a Teams TextBlock so markdown and HTML metacharacters render literally
 * (reference teams-platform §2.7).
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_[\]()#+\-!`<>~|{}]/g, (c) => `\\${c}`).replace(/^(\d+)\./gm, '$1\\.');
}
