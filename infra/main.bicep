// Genviral Partner API on Azure Functions Flex Consumption (.NET isolated worker). See README.md, "Deploy to Azure".
//
// Resource-group scope on purpose: the same file serves `azd up` (azd asks for / creates the resource group and
// keeps it as AZURE_RESOURCE_GROUP) and a plain `az deployment group create -g <rg> -f infra/main.bicep`.
// Only local modules: registry modules (br/public:...) cannot be restored on the project's build machines.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Environment name (azd: AZURE_ENV_NAME). Feeds the resource token and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region for every resource. Flex Consumption is not offered in every region: az functionapp list-flexconsumption-locations.')
param location string = resourceGroup().location

@description('Optional: object id of the person (or pipeline) deploying. Gets Table Data Contributor (admin CLI) and Key Vault Secrets Officer.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(0)
param alwaysReadyInstances int = 0

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Log Analytics daily ingestion cap in GB; -1 = no cap.')
param logDailyQuotaGb int = -1

@description('Six-field NCRONTAB (UTC) of the CaptureFreeSnapshots timer: when targets get their free daily snapshot.')
param captureFreeSnapshotsSchedule string = '0 5 * * * *'

@description('Instagram business account through which business discovery reads other accounts\' stats.')
param instagramBusinessAccountId string = ''

@description('Turn on for production. Irreversible: the vault (and its name) then survives deletion for the retention period.')
param keyVaultEnablePurgeProtection bool = false

@description('TikTok app client_key (public): refreshes BYO TikTok tokens and gets Research API tokens for analytics; its secret goes in Key Vault as tiktok-client-secret.')
param tiktokClientKey string = ''

@description('Google OAuth client id (public), used to refresh BYO YouTube tokens; its secret goes in Key Vault as google-client-secret.')
param googleClientId string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

// Names are computed here, not read back from module outputs, so every resource name and role-assignment name
// is known when the deployment starts (precise What-If; the linter's what-if-short-circuiting rule).
var identityName = '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var applicationInsightsName = '${abbrs.insightsComponents}${resourceToken}'
var keyVaultName = '${abbrs.keyVaultVaults}${resourceToken}'

// Every name in Genviral.Core.Storage.StorageNames, unprefixed (Storage__Prefix is empty in Azure).
// tests/Genviral.Infra.Tests fails when StorageNames gains a name that is missing here.
var tableNames = [
  'apikeys'
  'tenants'
  'accounts'
  'accountcredentials'
  'posts'
  'schedule'
  'analytics'
  'analyticsdays'
  'platformposts'
  'webhooks'
  'webhookoutbox'
  'mediaindex'
]
// Each queue and its '<queue>-poison' queue, where the host (and the standalone consumer) parks a message after
// its last attempt. Declared rather than left to the runtime so that they exist before the first failure.
var queueNames = [
  'key-usage'
  'key-usage-poison'
  'media-rehost'
  'media-rehost-poison'
  'analytics-refresh'
  'analytics-refresh-poison'
  'webhook-delivery'
  'webhook-delivery-poison'
  'publish-now'
  'publish-now-poison'
]
var containerNames = [
  'locks'
  'media'
]
// Flex Consumption pulls the app package from this container (functionAppConfig.deployment.storage).
var deploymentContainerName = 'app-package'

// Built-in role definition ids (the same GUID in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner: host leases/timers, deployment package, media, user-delegation keys
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor: queue triggers, enqueueing, poison queues
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor: all app tables
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher: Entra-authenticated telemetry
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User: resolve Key Vault references
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' // Key Vault Secrets Officer: the deploying person sets secrets
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
    dailyQuotaGb: logDailyQuotaGb
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    skuName: storageSkuName
    tableNames: tableNames
    queueNames: queueNames
    containerNames: concat(containerNames, [deploymentContainerName])
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: keyVaultName
    location: location
    tags: tags
    enablePurgeProtection: keyVaultEnablePurgeProtection
  }
}

module appRoles 'modules/role-assignments.bicep' = {
  name: 'app-roles'
  params: {
    principalId: identity.outputs.principalId
    principalKey: resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', identityName)
    principalType: 'ServicePrincipal'
    storageAccountName: storageAccountName
    storageRoleIds: [
      roles.storageBlobDataOwner
      roles.storageQueueDataContributor
      roles.storageTableDataContributor
    ]
    applicationInsightsName: applicationInsightsName
    applicationInsightsRoleIds: [
      roles.monitoringMetricsPublisher
    ]
    keyVaultName: keyVaultName
    keyVaultRoleIds: [
      roles.keyVaultSecretsUser
    ]
  }
  dependsOn: [
    storage
    monitoring
    keyVault
  ]
}

module deployerRoles 'modules/role-assignments.bicep' = if (!empty(principalId)) {
  name: 'deployer-roles'
  params: {
    principalId: principalId
    principalKey: principalId
    principalType: principalType
    storageAccountName: storageAccountName
    storageRoleIds: [
      roles.storageTableDataContributor
    ]
    applicationInsightsName: applicationInsightsName
    keyVaultName: keyVaultName
    keyVaultRoleIds: [
      roles.keyVaultSecretsOfficer
    ]
  }
  dependsOn: [
    storage
    monitoring
    keyVault
  ]
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: '${abbrs.webSitesFunctions}api-${resourceToken}'
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultUri: keyVault.outputs.uri
    tiktokClientKey: tiktokClientKey
    googleClientId: googleClientId
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReadyInstances: alwaysReadyInstances
    captureFreeSnapshotsSchedule: captureFreeSnapshotsSchedule
    instagramBusinessAccountId: instagramBusinessAccountId
  }
  // The host starts as soon as the site exists and needs its storage and telemetry roles in place.
  dependsOn: [
    appRoles
  ]
}

// azd writes these into .azure/<env>/.env (`azd env get-values`).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api/partner/v1'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
// The admin CLI's Storage__TableServiceUri / __BlobServiceUri / __QueueServiceUri.
output STORAGE_TABLE_SERVICE_URI string = storage.outputs.tableEndpoint
output STORAGE_BLOB_SERVICE_URI string = storage.outputs.blobEndpoint
output STORAGE_QUEUE_SERVICE_URI string = storage.outputs.queueEndpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_LOG_ANALYTICS_NAME string = monitoring.outputs.logAnalyticsName
