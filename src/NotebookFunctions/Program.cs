using Microsoft.Extensions.Hosting;
using NotebookFunctions;

AppHost.CreateBuilder(args).Build().Run();
