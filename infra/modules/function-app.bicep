// Flex Consumption plan + the function app that hosts the Genviral Partner API as a custom handler.
//
// The app is a self-contained linux-x64 ASP.NET Core executable (app/Genviral.Functions in the zip, started by
// host.json's customHandler), so the Flex runtime is "custom" 1.0: no language worker, no installed .NET needed.
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

@description('Upper bound on instances the app scales out to. Flex bills per execution, so this caps spend spikes.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance. The handler is one ASP.NET Core process; 2048 MB is the Flex default.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Always-ready instances for the HTTP group. 0 (default) = pure pay-per-execution with cold starts; each ready instance is billed while idle.')
@minValue(0)
param alwaysReadyInstances int

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
        name: 'custom'
        version: '1.0'
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
          // function.json names queues literally, so the Azure app must use unprefixed names.
          name: 'Storage__Prefix'
          value: ''
        }
        {
          // Bicep declares every table, queue and container; the identity need not create anything at start-up.
          name: 'Storage__CreateResources'
          value: 'false'
        }
        // Queue rules for standalone mode; must equal host.json extensions.queues (checked by a test).
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
