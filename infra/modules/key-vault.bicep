// Key Vault in RBAC mode (no access policies). Nothing reads it yet: it exists so the platform connectors'
// client secrets (a later issue) can be stored here and surfaced as Key Vault references,
// e.g. "@Microsoft.KeyVault(VaultName=<name>;SecretName=<secret>)", resolved with the app's user-assigned
// identity (keyVaultReferenceIdentity on the site), which holds Key Vault Secrets User.

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
