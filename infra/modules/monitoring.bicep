// Log Analytics, and Application Insights on top of it (workspace-based), for runs, chunks and cells.
param location string
param tags object
@minLength(13)
@maxLength(13)
@description('uniqueString() of subscription, environment and region: the suffix of every name.')
param resourceToken string

@description('Days logs are kept.')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Telemetry is sent with the app's identity (Monitoring Metrics Publisher), not the instrumentation key alone.
    DisableLocalAuth: true
  }
}

output workspaceId string = workspace.id
output applicationInsightsName string = insights.name
output applicationInsightsConnectionString string = insights.properties.ConnectionString
