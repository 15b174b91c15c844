// The app's user-assigned managed identity: the one principal that reads blobs, queues, tables, secrets and images.
param location string
param tags object
@minLength(13)
@maxLength(13)
@description('uniqueString() of subscription, environment and region: the suffix of every name.')
param resourceToken string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${resourceToken}'
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
