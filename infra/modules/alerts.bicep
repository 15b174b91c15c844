// Alerts that reach a person: an action group that emails, and a log alert over Application Insights that fires when
// runs end failed or with failed chunks, and when chunks fail. The query reads the spans the app exports
// (src/NotebookFunctions.Orchestration/Telemetry/RunSpans.cs): the 'merge' span carries a run's final status, each
// 'chunk N' span one attempt's, both as the nbf.status dimension.
param location string
param tags object
@minLength(13)
@maxLength(13)
@description('uniqueString() of subscription, environment and region: the suffix of every name.')
param resourceToken string

@description('The Application Insights component the alert queries.')
param applicationInsightsName string

@minLength(3)
@description('Who is emailed when runs or chunks fail.')
param alertEmail string

@description('How often the alert looks, and over how long a window (ISO 8601 duration).')
param evaluationFrequency string = 'PT5M'

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource people 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-nbf-${resourceToken}'
  // Action groups are global resources.
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'nbf-alerts'
    enabled: true
    emailReceivers: [
      {
        name: 'notebook-owners'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

resource failedRuns 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-nbf-failures-${resourceToken}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Notebook runs or chunks failed'
    description: 'A notebook run ended Failed or CompletedWithFailures, or a chunk attempt failed, in the last window. One alert per notebook; the run ids are in the results.'
    severity: 2
    enabled: true
    scopes: [
      insights.id
    ]
    evaluationFrequency: evaluationFrequency
    windowSize: evaluationFrequency
    criteria: {
      allOf: [
        {
          query: '''
requests
| where name == 'merge' or name startswith 'chunk '
| extend status = tostring(customDimensions['nbf.status']), runId = tostring(customDimensions['nbf.run.id']), notebook = tostring(customDimensions['nbf.notebook'])
| where (name == 'merge' and status in ('Failed', 'CompletedWithFailures')) or (name startswith 'chunk ' and status == 'Failed')
| project timestamp, notebook, runId, what = iff(name == 'merge', strcat('run ', status), strcat(name, ' failed'))
'''
          timeAggregation: 'Count'
          dimensions: [
            {
              name: 'notebook'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: false
    actions: {
      actionGroups: [
        people.id
      ]
    }
  }
}

output actionGroupId string = people.id
output alertRuleName string = failedRuns.name
