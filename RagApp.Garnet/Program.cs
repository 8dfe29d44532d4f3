using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RagApp.Garnet;

var builder = Host.CreateApplicationBuilder(args);

builder.Services.AddOptions<GarnetHostOptions>()
    .BindConfiguration(GarnetHostOptions.SectionName)
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddHostedService<GarnetHostedService>();

builder.Build().Run();
