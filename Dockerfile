# The worker image: the Functions app on the official Azure Functions .NET isolated base image, plus the kernel
# environment (Python with kernel/requirements.txt pinned in a virtual environment, registered as the python3
# kernelspec). Kernelspecs are found in the image exactly as on a developer machine (/usr/local/share/jupyter).
#   docker build -t notebook-functions .        (azd and .github/workflows/deploy.yml build it in ACR)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props NotebookFunctions.sln .editorconfig host.json ./
COPY src/ src/
RUN dotnet publish src/NotebookFunctions.FunctionApp/NotebookFunctions.FunctionApp.csproj -c Release -o /home/site/wwwroot --nologo

FROM mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0
ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# Python from the distribution; every package the notebooks use from the one pinned list.
COPY kernel/requirements.txt /opt/kernel/requirements.txt
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/kernel/venv \
    && /opt/kernel/venv/bin/pip install --no-cache-dir -r /opt/kernel/requirements.txt \
    && /opt/kernel/venv/bin/python -m ipykernel install --prefix /usr/local --name python3 --display-name "Python 3 (Notebook Functions)"

COPY --from=build /home/site/wwwroot /home/site/wwwroot
