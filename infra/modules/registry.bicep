// The registry the worker image is built into and pulled from (with the managed identity; no admin user).
param location string
param tags object
@minLength(13)
@maxLength(13)
@description('uniqueString() of subscription, environment and region: the suffix of every name.')
param resourceToken string

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'cr${resourceToken}'
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
  }
}

output name string = registry.name
output loginServer string = registry.properties.loginServer
