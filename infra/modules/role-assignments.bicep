// Data-plane role assignments for one principal. Names are guid(scope, principal, role): deterministic, so a
// re-deployment finds the same assignment instead of failing with RoleAssignmentExists.
//
// The name must be known when the deployment starts (BCP120, and What-If needs it too), but a managed identity's
// principal id only exists after the identity is created. So the name uses principalKey, a value known up
// front (the identity's resource id, or the object id given as a parameter), and principalId goes only
// into the properties.

@description('Object id of the principal; may be a runtime value (e.g. a module output).')
param principalId string

@description('Stable identifier of the same principal, known before deployment; only used to name the assignments.')
param principalKey string

@allowed([
  'ServicePrincipal'
  'User'
  'Group'
])
param principalType string

param storageAccountName string
param storageRoleIds array

param applicationInsightsName string
param applicationInsightsRoleIds array = []

param keyVaultName string
param keyVaultRoleIds array = []

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: {
    name: guid(storage.id, principalKey, roleId)
    scope: storage
    properties: {
      principalId: principalId
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

resource applicationInsightsRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in applicationInsightsRoleIds: {
    name: guid(applicationInsights.id, principalKey, roleId)
    scope: applicationInsights
    properties: {
      principalId: principalId
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

resource keyVaultRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in keyVaultRoleIds: {
    name: guid(vault.id, principalKey, roleId)
    scope: vault
    properties: {
      principalId: principalId
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]
