// Key Vault in RBAC mode (no access policies). It holds the platform secrets (OAuth client secrets, hosted
// access tokens, the YouTube API key); function-app.bicep's app settings name them as Key Vault references,
// "@Microsoft.KeyVault(SecretUri=<vault>secrets/<name>/)", resolved with the app's user-assigned identity
// (keyVaultReferenceIdentity on the site), which holds Key Vault Secrets User. The deployer sets the values.

param name string
param location string
param tags object

@description('Purge protection cannot be turned off again once on; enable it for production vaults.')
param enablePurgeProtection bool = false

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // ARM accepts only true or absent here: false is rejected, so "off" is expressed as null.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
