/**
 * The documented example payloads of reference/defender-api.md, as JSON text. Fixes to make them valid JSON:
 * `"lastUpdatedBy": TestPrdApp` quoted, the trailing `...` of the list examples removed, and the issue #8629
 * excerpt (cut off after `"create`) completed with `"createdByDisplayName": "username"` and closed.
 */

/** §1.2, ti-indicator.md (12/18/2020). */
export const indicatorEntity2020 = `{
    "id": "994",
    "indicatorValue": "881c0f10c75e64ec39d257a131fcd531f47dd2cff2070ae94baa347d375126fd",
    "indicatorType": "FileSha256",
    "action": "AlertAndBlock",
    "application": null,
    "source": "user@contoso.onmicrosoft.com",
    "sourceType": "User",
    "createdBy": "user@contoso.onmicrosoft.com",
    "severity": "Informational",
    "title": "Michael test",
    "description": "test",
    "recommendedActions": "nothing",
    "creationTimeDateTimeUtc": "2019-12-19T09:09:46.9139216Z",
    "expirationTime": null,
    "lastUpdateTime": "2019-12-19T09:09:47.3358111Z",
    "lastUpdatedBy": null,
    "rbacGroupNames": ["team1"]
}`;

/** §1.2, ti-indicator.md (12/11/2025): identical except the action. */
export const indicatorEntity2025 = indicatorEntity2020.replace('"AlertAndBlock"', '"BlockAndRemediate"');

/** §1.4, MicrosoftDocs/windows-itpro-docs issue #8629, completed minimally. */
export const listWithUndocumentedFields = `{
    "@odata.context": "https://api.securitycenter.windows.com/api/$metadata#Indicators",
    "value": [
        {
            "id": "1",
            "indicatorValue": "1.1.1.1",
            "indicatorType": "IpAddress",
            "action": "AlertAndBlock",
            "createdBy": "username",
            "severity": "Medium",
            "category": 1,
            "application": null,
            "educateUrl": null,
            "bypassDurationHours": null,
            "title": "title",
            "description": "description",
            "recommendedActions": null,
            "creationTimeDateTimeUtc": "2020-10-30T12:09:40.7725623Z",
            "expirationTime": null,
            "lastUpdateTime": "2020-10-30T12:09:40.7725623Z",
            "lastUpdatedBy": null,
            "rbacGroupNames": [],
            "rbacGroupIds": [],
            "notificationId": null,
            "notificationBody": null,
            "version": null,
            "mitreTechniques": [],
            "historicalDetection": false,
            "lookBackPeriod": null,
            "generateAlert": true,
            "additionalInfo": null,
            "createdByDisplayName": "username"
        }
    ]
}`;

/** §2.5, import-ti-indicators.md response. */
export const importResponse = `{
    "value": [
        {
            "id": "2841",
            "indicator": "220e7d15b011d7fac48f2bd61114db1022197f7f",
            "isFailed": false,
            "failureReason": null
        },
        {
            "id": "2842",
            "indicator": "2233223322332233223322332233223322332233223322332233223322332222",
            "isFailed": false,
            "failureReason": null
        }
    ]
}`;

/** §2.6, get-ti-indicators-collection.md example 1 (12/11/2025). */
export const listExample1 = `{
    "@odata.context": "https://api.security.microsoft.com/api/$metadata#Indicators",
    "value": [
        {
            "id": "995",
            "indicatorValue": "12.13.14.15",
            "indicatorType": "IpAddress",
            "action": "Alert",
            "application": "demo-test",
            "source": "TestPrdApp",
            "sourceType": "AadApp",
            "title": "test",
            "creationTimeDateTimeUtc": "2018-10-24T11:15:35.3688259Z",
            "createdBy": "45097602-1234-5678-1234-9f453233e62c",
            "expirationTime": "2020-12-12T00:00:00Z",
            "lastUpdateTime": "2019-10-24T10:54:23.2009016Z",
            "lastUpdatedBy": "TestPrdApp",
            "severity": "Informational",
            "description": "test",
            "recommendedActions": "test",
            "rbacGroupNames": []
        },
        {
            "id": "996",
            "indicatorValue": "220e7d15b0b3d7fac48f2bd61114db1022197f7f",
            "indicatorType": "FileSha1",
            "action": "AlertAndBlock",
            "application": null,
            "source": "TestPrdApp",
            "sourceType": "AadApp",
            "title": "test",
            "creationTimeDateTimeUtc": "2018-10-24T10:54:23.2009016Z",
            "createdBy": "45097602-1234-5678-1234-9f453233e62c",
            "expirationTime": "2020-12-12T00:00:00Z",
            "lastUpdateTime": "2019-10-24T10:54:23.2009016Z",
            "lastUpdatedBy": "TestPrdApp",
            "severity": "Informational",
            "description": "test",
            "recommendedActions": "TEST",
            "rbacGroupNames": [ "Group1", "Group2" ]
        }
    ]
}`;

/** §2.6, example 2 (`$filter=action+eq+'AlertAndBlock'`). */
export const listExample2 = `{
    "@odata.context": "https://api.security.microsoft.com/api/$metadata#Indicators",
    "value": [
        {
            "id": "997",
            "indicatorValue": "111e7d15b0b3d7fac48f2bd61114db1022197f7f",
            "indicatorType": "FileSha1",
            "action": "AlertAndBlock",
            "application": null,
            "source": "TestPrdApp",
            "sourceType": "AadApp",
            "title": "test",
            "creationTimeDateTimeUtc": "2018-10-24T10:54:23.2009016Z",
            "createdBy": "45097602-1234-5678-1234-9f453233e62c",
            "expirationTime": "2020-12-12T00:00:00Z",
            "lastUpdateTime": "2019-10-24T10:54:23.2009016Z",
            "lastUpdatedBy": "TestPrdApp",
            "severity": "Informational",
            "description": "test",
            "recommendedActions": "TEST",
            "rbacGroupNames": [ "Group1", "Group2" ]
        }
    ]
}`;

/** §2.9, common-errors.md examples. */
export const errorExamples = [
  `{
    "error": {
        "code": "ResourceNotFound",
        "message": "Machine 123123123 was not found",
        "target": "43f4cb08-8fac-4b65-9db1-745c2ae65f3a"
    }
}`,
  `{
    "error": {
        "code": "InvalidRequestBody",
        "message": "Request body is incorrect",
        "target": "1fa66c0f-18bd-4133-b378-36d76f3a2ba0"
    }
}`,
  `{"error":{"code":"InvalidInput","message":"Recieved an empty indicator value.","target":"5006fc66-3381-46ee-be0c-4c544fc5d2a1"}}`,
];

/** §8, get-machine-group-exposure-score.md (trailing `...` removed). */
export const machineGroupScores = `{
    "@odata.context": "https://api.securitycenter.microsoft.com/api/$metadata#ExposureScore",
    "value": [
        {
            "time": "2019-12-03T09:51:28.214338Z",
            "score": 41.38041766305988,
            "rbacGroupName": "GroupOne"
        },
        {
            "time": "2019-12-03T09:51:28.2143399Z",
            "score": 37.403726933165366,
            "rbacGroupName": "GroupTwo"
        }
    ]
}`;

/** §2.4 and §2.5 request examples (the bodies the bot would send). */
export const submitRequest = `{
    "indicatorValue": "220e7d15b011d7fac48f2bd61114db1022197f7f",
    "indicatorType": "FileSha1",
    "title": "test",
    "application": "demo-test",
    "expirationTime": "2020-12-12T00:00:00Z",
    "action": "AlertAndBlock",
    "severity": "Informational",
    "description": "test",
    "recommendedActions": "nothing",
    "rbacGroupNames": ["group1", "group2"]
}`;
