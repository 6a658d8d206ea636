// Log Analytics workspace + workspace-based Application Insights. Local (instrumentation-key) auth is off, so
// telemetry is accepted only from identities holding Monitoring Metrics Publisher on the component; the app
// sends with APPLICATIONINSIGHTS_AUTHENTICATION_STRING = "ClientId=<identity>;Authorization=AAD".

param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object

@description('Days Log Analytics keeps data (30 is included in the ingestion price; longer costs extra).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

@description('Daily ingestion cap in GB; -1 means no cap. A cap bounds cost but silently drops logs once reached.')
param dailyQuotaGb int = -1

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    workspaceCapping: {
      dailyQuotaGb: dailyQuotaGb
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

output applicationInsightsName string = applicationInsights.name
output logAnalyticsName string = logAnalytics.name
output connectionString string = applicationInsights.properties.ConnectionString
