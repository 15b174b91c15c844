#!/usr/bin/env sh
# Postprovision step (postprovision.sh): builds the worker image (Dockerfile: the app plus its pinned kernel) in the registry,
# points the Function App at it (pulled with the managed identity), and remembers it for the next provision.
set -eu
tag="$(git rev-parse --short=12 HEAD 2>/dev/null || date +%Y%m%d%H%M%S)"
image="${AZURE_CONTAINER_REGISTRY_ENDPOINT}/notebook-functions:${tag}"
az acr build --registry "$AZURE_CONTAINER_REGISTRY_NAME" --image "notebook-functions:${tag}" --file Dockerfile .
az functionapp config container set --name "$AZURE_FUNCTION_APP_NAME" --resource-group "$AZURE_RESOURCE_GROUP" --image "$image" >/dev/null
azd env set SERVICE_API_IMAGE_NAME "$image"
echo "deploy-image: $AZURE_FUNCTION_APP_NAME runs $image"
echo "API: $API_URL"
