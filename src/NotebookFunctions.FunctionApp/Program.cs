using Microsoft.Extensions.Hosting;
using NotebookFunctions.FunctionApp;

AppHost.CreateBuilder(args).Build().Run();
