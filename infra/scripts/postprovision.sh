#!/usr/bin/env sh
# azd postprovision hook: the steps that need what provisioning created, in order. Sign-in first: it takes seconds,
# and a registration this account may not change stops the hook before the image build, not after it.
set -eu
here="$(dirname "$0")"
"$here/entra-sign-in.sh"
"$here/deploy-image.sh"
