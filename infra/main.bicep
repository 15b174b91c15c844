// Notebook Functions on Azure: everything `azd up` provisions, in one resource group.
// Identity only: storage refuses shared keys, Key Vault uses RBAC, the app reaches both with a user-assigned
// managed identity, and callers sign in with Entra ID (App Service Authentication) and carry an app role.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('The azd environment name; resource names derive from it.')
param environmentName string

@minLength(1)
@description('Region of every resource.')
param location string

@description('Client id of the Entra ID app registration callers sign in to (created by infra/scripts/entra-app.sh before provisioning). Empty: no sign-in, and the API answers 401 to everyone (roles come only from App Service Authentication).')
param apiClientId string = ''

@description('Object id of the person running azd: gets Key Vault Secrets Officer to add secrets. Empty: nobody.')
param principalId string = ''

@description('The worker image to run; azd deploys it after provisioning (infra/scripts/deploy-image.sh). Empty: a placeholder until then.')
param imageName string = ''

@description('Premium plan size: EP1 (1 vCPU, 3.5 GB), EP2 or EP3.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param planSku string = 'EP1'

@minValue(1)
@maxValue(100)
@description('Most instances the plan scales out to (each runs up to its host.json activity limit of chunks).')
param maximumInstances int = 10

@minValue(0)
@maxValue(32)
@description('Chunks (kernels) each instance runs at once; 0: by plan size (EP1 2, EP2 4, EP3 8: one or two per vCPU, each within kernelMemoryLimitMB of the instance\'s memory).')
param chunksPerInstance int = 0

@minValue(0)
@maxValue(1048576)
@description('Each kernel\'s default memory limit in MB (a run or its notebook may set another); 0: none. 1280 fits an EP1 instance (3.5 GB) running host.json\'s 2 chunks at once, with room for the host.')
param kernelMemoryLimitMB int = 1280

@description('Who is emailed when notebook runs or chunks fail (an Azure Monitor action group and a log alert over Application Insights). Empty: no alert resources.')
param alertEmail string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'notebook-functions'
}

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: group
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
  }
}

module alerts 'modules/alerts.bicep' = if (!empty(alertEmail)) {
  name: 'alerts'
  scope: group
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    alertEmail: alertEmail
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: group
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: group
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    workspaceId: monitoring.outputs.workspaceId
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: group
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    workspaceId: monitoring.outputs.workspaceId
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: group
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: group
  params: {
    identityPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    registryName: registry.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    operatorPrincipalId: principalId
  }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: group
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    planSku: planSku
    maximumInstances: maximumInstances
    chunksPerInstance: chunksPerInstance
    kernelMemoryLimitMB: kernelMemoryLimitMB
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    keyVaultUri: vault.outputs.uri
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    registryLoginServer: registry.outputs.loginServer
    imageName: imageName
    apiClientId: apiClientId
    workspaceId: monitoring.outputs.workspaceId
  }
  dependsOn: [
    roles
  ]
}

output AZURE_RESOURCE_GROUP string = group.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_FUNCTION_APP_NAME string = app.outputs.name
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output AZURE_KEY_VAULT_URI string = vault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output API_URL string = 'https://${app.outputs.defaultHostName}/api'
output WEB_APP_URL string = 'https://${app.outputs.defaultHostName}/app/'
// The redirect URI of browser sign-in is built from it (infra/scripts/entra-sign-in.sh).
output AZURE_FUNCTION_APP_HOST_NAME string = app.outputs.defaultHostName
