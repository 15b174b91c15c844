#!/usr/bin/env sh
# Postprovision step: lets browsers sign in to the web app. App Service Authentication (authsettingsV2 in
# infra/modules/functionapp.bicep) sends a browser without a session to Entra ID, which answers at
# https://<host>/.auth/login/aad/callback; the app registration must list that redirect URI, and with no client secret
# the platform can only use the ID-token flow, so the registration must issue ID tokens. The host is a Bicep output,
# known only after provisioning. Idempotent: the redirect URIs the registration lists already are kept.
set -euf
app_id="${API_CLIENT_ID:-}"
[ -n "$app_id" ] || app_id="$(azd env get-value API_CLIENT_ID 2>/dev/null || true)"
if [ -z "$app_id" ]; then
  echo "entra-sign-in: no API_CLIENT_ID, so App Service Authentication is off; nothing to register"
  exit 0
fi
callback="https://${AZURE_FUNCTION_APP_HOST_NAME}/.auth/login/aad/callback"
# Read apart from the loop, so a failed read stops the script (set -e) rather than leave the list to be replaced by ours.
existing="$(az ad app show --id "$app_id" --query "web.redirectUris" -o tsv)"
# One URI a line (a URI has no blanks); set -f above keeps a wildcard URI from being expanded as a file pattern.
set --
for uri in $existing; do
  [ "$uri" = "$callback" ] || set -- "$@" "$uri"
done
az ad app update --id "$app_id" --web-redirect-uris "$@" "$callback" --enable-id-token-issuance true
echo "entra-sign-in: $app_id accepts sign-in at $callback (ID tokens issued)"
