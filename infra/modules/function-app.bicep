// Flex Consumption plan + the function app that hosts the Genviral Partner API on the .NET isolated worker.
//
// The package is the `dotnet publish` output of src/Genviral.Functions (framework-dependent): the Functions host
// reads host.json and functions.metadata, then starts the worker as `dotnet Genviral.Functions.dll`
// (worker.config.json), on the .NET 10 that the Flex runtime dotnet-isolated 10.0 provides.
// Flex rejects FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION / WEBSITE_RUN_FROM_PACKAGE app settings;
// runtime and deployment source live in functionAppConfig instead.

param name string
param planName string
param location string
param tags object

param identityId string
param identityClientId string

param blobEndpoint string
param queueEndpoint string
param tableEndpoint string
param deploymentContainerName string

param applicationInsightsConnectionString string

@description('Key Vault URI (with trailing slash); platform secrets are Key Vault references into it.')
param keyVaultUri string

@description('TikTok app client_key, for refreshing BYO tokens (not a secret).')
param tiktokClientKey string

@description('Google OAuth client id, for refreshing BYO YouTube tokens (not a secret).')
param googleClientId string

@description('Upper bound on instances the app scales out to. Flex bills per execution, so this caps spend spikes.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance, shared by the Functions host and the .NET worker process; 2048 MB is the Flex default.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Always-ready instances for the HTTP group. 0 (default) = pure pay-per-execution with cold starts; each ready instance is billed while idle.')
@minValue(0)
param alwaysReadyInstances int

@description('Six-field NCRONTAB (UTC) of the CaptureFreeSnapshots timer.')
param captureFreeSnapshotsSchedule string

@description('Our Instagram business account, through which business discovery reads public profiles.')
param instagramBusinessAccountId string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    // Linux.
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the deployment target by this tag (azure.yaml service "api").
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references in app settings resolve with the user-assigned identity, not a system one.
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyInstances > 0
          ? [
              {
                name: 'http'
                instanceCount: alwaysReadyInstances
              }
            ]
          : []
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Every setting the app reads is listed here and in local.settings.sample.json;
      // tests/Genviral.Infra.Tests keeps the two lists (and host.json) in agreement.
      appSettings: [
        // The Functions host's own storage (triggers, leases, timer state), identity-based.
        {
          name: 'AzureWebJobsStorage__blobServiceUri'
          value: blobEndpoint
        }
        {
          name: 'AzureWebJobsStorage__queueServiceUri'
          value: queueEndpoint
        }
        {
          name: 'AzureWebJobsStorage__tableServiceUri'
          value: tableEndpoint
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: applicationInsightsConnectionString
        }
        {
          // Required because the component has local auth disabled.
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
        // The app's storage: service URIs + managed identity. Storage__ConnectionString is deliberately absent
        // (Azurite only); with it set the app would ignore the URIs.
        {
          name: 'Storage__TableServiceUri'
          value: tableEndpoint
        }
        {
          name: 'Storage__BlobServiceUri'
          value: blobEndpoint
        }
        {
          name: 'Storage__QueueServiceUri'
          value: queueEndpoint
        }
        {
          name: 'Storage__ClientId'
          value: identityClientId
        }
        {
          // The [QueueTrigger] attributes name queues literally (StorageNames), so the Azure app must use unprefixed names.
          name: 'Storage__Prefix'
          value: ''
        }
        {
          // Bicep declares every table, queue and container; the identity need not create anything at start-up.
          name: 'Storage__CreateResources'
          value: 'false'
        }
        {
          // Retries of a read-change-write that lost its ETag race, before the request answers 409 (README: Configuration).
          name: 'Storage__ConflictRetries'
          value: '10'
        }
        // Queue rules the app reads (the functions' last-attempt rule, and standalone mode's consumers); must equal
        // host.json extensions.queues (checked by a test).
        {
          name: 'Queues__MaxDequeueCount'
          value: '5'
        }
        {
          name: 'Queues__VisibilityTimeout'
          value: '00:00:30'
        }
        {
          name: 'Queues__MaxPollingInterval'
          value: '00:00:02'
        }
        {
          name: 'Api__MaxRequestBodyBytes'
          value: '1048576'
        }
        {
          name: 'ApiKeys__LastUsedInterval'
          value: '00:01:00'
        }
        // Analytics: the timer's schedule ([TimerTrigger("%CaptureFreeSnapshotsSchedule%")]).
        {
          name: 'CaptureFreeSnapshotsSchedule'
          value: captureFreeSnapshotsSchedule
        }
        // Media pipeline. No private host may be fetched in Azure: the allow-list exists for tests and the local demo.
        {
          name: 'Media__AllowedPrivateHosts'
          value: ''
        }
        {
          name: 'Media__MaxVideoBytes'
          value: '104857600'
        }
        {
          name: 'Media__MaxImageBytes'
          value: '5242880'
        }
        {
          name: 'Media__ConnectTimeout'
          value: '00:00:10'
        }
        {
          name: 'Media__FetchTimeout'
          value: '00:05:00'
        }
        {
          // A user-delegation SAS lives at most seven days.
          name: 'Media__SasValidity'
          value: '7.00:00:00'
        }
        // Webhooks: one attempt's timeout, and the delays before each retry (about 27 hours in all).
        {
          name: 'Webhooks__AttemptTimeout'
          value: '00:00:10'
        }
        {
          name: 'Webhooks__RetrySchedule'
          value: '00:00:05,00:05:00,00:30:00,02:00:00,05:00:00,10:00:00,10:00:00'
        }
        // The outbox sweep ([TimerTrigger("%SweepWebhookOutboxSchedule%")]): every minute, half a minute after the dispatcher.
        {
          name: 'SweepWebhookOutboxSchedule'
          value: '30 * * * * *'
        }
        // The media sweep ([TimerTrigger("%SweepMediaSchedule%")]): blobs no post uses, once older than the grace.
        {
          name: 'Media__OrphanGrace'
          value: '01:00:00'
        }
        {
          name: 'SweepMediaSchedule'
          value: '0 35 * * * *'
        }
        // Publishing: the dispatcher's schedule ([TimerTrigger("%PublishDuePostsSchedule%")]) and rules.
        {
          name: 'PublishDuePostsSchedule'
          value: '0 * * * * *'
        }
        {
          name: 'Publishing__ClaimTimeout'
          value: '00:15:00'
        }
        {
          name: 'Publishing__MaxAttempts'
          value: '5'
        }
        {
          name: 'Publishing__RetryBaseDelay'
          value: '00:01:00'
        }
        {
          name: 'Publishing__RetryMaxDelay'
          value: '01:00:00'
        }
        {
          name: 'Publishing__MediaWaitDelay'
          value: '00:01:00'
        }
        {
          name: 'Publishing__MediaGiveUpAfter'
          value: '01:00:00'
        }
        {
          name: 'Publishing__RequestTimeout'
          value: '00:00:30'
        }
        {
          name: 'Publishing__UploadTimeout'
          value: '00:10:00'
        }
        {
          name: 'Publishing__PollInterval'
          value: '00:00:05'
        }
        {
          name: 'Publishing__MaxPolls'
          value: '12'
        }
        // The real platform APIs. Secrets are Key Vault references (resolved with the user-assigned identity);
        // the deployer stores them in the vault under these names.
        {
          name: 'Platforms__TikTok__BaseUrl'
          value: 'https://open.tiktokapis.com/'
        }
        {
          name: 'Platforms__TikTok__ClientId'
          value: tiktokClientKey
        }
        {
          name: 'Platforms__TikTok__ClientSecret'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/tiktok-client-secret/)'
        }
        {
          name: 'Platforms__TikTok__HostedAccessToken'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/tiktok-hosted-access-token/)'
        }
        {
          name: 'Platforms__Instagram__BaseUrl'
          value: 'https://graph.instagram.com'
        }
        {
          name: 'Platforms__Instagram__HostedAccessToken'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/instagram-hosted-access-token/)'
        }
        {
          name: 'Platforms__YouTube__BaseUrl'
          value: 'https://www.googleapis.com/'
        }
        {
          name: 'Platforms__YouTube__TokenUrl'
          value: 'https://oauth2.googleapis.com/token'
        }
        {
          name: 'Platforms__YouTube__ClientId'
          value: googleClientId
        }
        {
          name: 'Platforms__YouTube__ClientSecret'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/google-client-secret/)'
        }
        {
          name: 'Platforms__YouTube__HostedAccessToken'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/youtube-hosted-access-token/)'
        }
        // Analytics stats: Instagram business discovery lives on the Facebook Graph host, not the publishing one. The app
        // adds the Graph API version (InstagramOptions.GraphVersion) to both.
        {
          name: 'Platforms__Instagram__DiscoveryBaseUrl'
          value: 'https://graph.facebook.com'
        }
        {
          name: 'Platforms__Instagram__BusinessAccountId'
          value: instagramBusinessAccountId
        }
        {
          name: 'Platforms__Instagram__DiscoveryAccessToken'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/instagram-access-token/)'
        }
        {
          name: 'Platforms__YouTube__ApiKey'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/youtube-api-key/)'
        }
        {
          // Key rows and subscriptions are reused this long per instance; the admin CLI's changes reach running instances within it.
          name: 'ApiKeys__CacheDuration'
          value: '00:00:30'
        }
      ]
    }
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
