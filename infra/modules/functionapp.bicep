// The Function App: a custom Linux container (the worker image with its kernel) on an Elastic Premium plan, where
// Durable Functions is fully supported; settings identity-based; Entra ID sign-in with app roles; HTTPS only.
param location string
param tags object
@minLength(13)
@maxLength(13)
@description('uniqueString() of subscription, environment and region: the suffix of every name.')
param resourceToken string
param planSku string
param maximumInstances int
@description('Chunks each instance runs at once; 0: by plan size.')
param chunksPerInstance int
@description('Each kernel\'s default memory limit in MB; 0: none.')
param kernelMemoryLimitMB int
param identityId string
param identityClientId string
param storageAccountName string
param keyVaultUri string
param applicationInsightsConnectionString string
param registryLoginServer string
param imageName string
param apiClientId string
param workspaceId string

// Chunks at once per instance, by plan size: EP1 (1 vCPU, 3.5 GB) 2, EP2 (2 vCPU, 7 GB) 4, EP3 (4 vCPU, 14 GB) 8;
// with the default 1280 MB kernel limit they leave room for the host. The host's memory budget still queues a
// kernel that would not fit, whatever this says.
var chunksByPlan = {
  EP1: 2
  EP2: 4
  EP3: 8
}
var chunksAtOnce = chunksPerInstance == 0 ? chunksByPlan[planSku] : chunksPerInstance

// Until azd deploys the worker image, the plain Functions base image keeps the app healthy.
var image = empty(imageName) ? 'mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0' : imageName

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${resourceToken}'
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    tier: 'ElasticPremium'
    name: planSku
  }
  properties: {
    reserved: true
    maximumElasticWorkerCount: maximumInstances
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${resourceToken}'
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux,container'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      linuxFxVersion: 'DOCKER|${image}'
      acrUseManagedIdentityCreds: true
      acrUserManagedIdentityID: identityClientId
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      alwaysOn: false
      functionAppScaleLimit: maximumInstances
      appSettings: [
        {
          name: 'FUNCTIONS_EXTENSION_VERSION'
          value: '~4'
        }
        {
          name: 'FUNCTIONS_WORKER_RUNTIME'
          value: 'dotnet-isolated'
        }
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
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
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: applicationInsightsConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
        {
          name: 'NotebookFunctions__KeyVaultUri'
          value: keyVaultUri
        }
        {
          name: 'DOCKER_REGISTRY_SERVER_URL'
          value: 'https://${registryLoginServer}'
        }
        {
          name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE'
          value: 'false'
        }
        {
          // host.json's maxConcurrentActivityFunctions, sized to the plan: the chunks one instance runs at once.
          name: 'AzureFunctionsJobHost__extensions__durableTask__maxConcurrentActivityFunctions'
          value: string(chunksAtOnce)
        }
        {
          // Runs that name no limit (nor their notebook) get this one; enforced by RLIMIT_DATA in the container.
          name: 'NBF_KERNEL_MEMORY_LIMIT_MB'
          value: kernelMemoryLimitMB == 0 ? '' : string(kernelMemoryLimitMB)
        }
      ]
    }
  }
}

resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// App Service Authentication: Entra ID sign-in in front of every function; the app roles travel in the token's
// "roles" claim to X-MS-CLIENT-PRINCIPAL, where RoleAuthorizationMiddleware checks them. A browser without a session
// is sent to the sign-in page (the web app at /app/ then needs no token handling of its own); API callers send a
// bearer token, and one without a valid token never reaches the app. The app registration must list
// https://<host>/.auth/login/aad/callback as a web redirect URI and issue ID tokens: the postprovision hook sees to
// both (infra/scripts/entra-sign-in.sh), as the host name is known only once this site exists.
resource auth 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(apiClientId)) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: apiClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${subscription().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${apiClientId}'
            apiClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

resource siteDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
