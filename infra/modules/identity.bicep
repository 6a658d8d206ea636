// The one identity the function app runs as. User-assigned (not system-assigned) so its client id is known
// before the app exists: the app settings (AzureWebJobsStorage__clientId, Storage__ClientId, the App Insights
// authentication string) and the role assignments can all be written in the same deployment.

param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
