#!/usr/bin/env sh
# azd preprovision hook: the Entra ID app registration callers sign in to, with the three app roles of
# infra/entra/app-roles.json. Created once per azd environment; its client id goes to API_CLIENT_ID, which
# main.parameters.json hands to App Service Authentication.
set -eu
if [ -n "$(azd env get-value API_CLIENT_ID 2>/dev/null || true)" ]; then
  echo "entra-app: using API_CLIENT_ID $(azd env get-value API_CLIENT_ID)"
  exit 0
fi
name="notebook-functions-${AZURE_ENV_NAME}"
roles="$(dirname "$0")/../entra/app-roles.json"
app_id="$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --app-roles "@$roles" --query appId -o tsv)"
az ad app update --id "$app_id" --identifier-uris "api://$app_id"
az ad sp create --id "$app_id" >/dev/null 2>&1 || true
azd env set API_CLIENT_ID "$app_id"
echo "entra-app: created $name ($app_id); assign roles with: az ad app show --id $app_id (see README, Deploy to Azure)"
