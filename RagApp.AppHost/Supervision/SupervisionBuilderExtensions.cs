using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RagApp.AppHost.Supervision;

/// <summary>Wires the <see cref="ResourceSupervisor"/> and marks the resources it restarts.</summary>
public static class SupervisionBuilderExtensions
{
    /// <summary>
    /// Starts this resource again when it ends without being asked to (a crash, kill -9, an OOM kill), with backoff;
    /// a stop from the dashboard or the resource-stop command is left alone. Only in run mode, for processes the
    /// orchestrator runs (projects and executables).
    /// </summary>
    public static IResourceBuilder<T> WithRestartOnCrash<T>(this IResourceBuilder<T> builder)
        where T : IResource
    {
        var application = builder.ApplicationBuilder;
        if (!application.ExecutionContext.IsRunMode)
        {
            return builder;
        }

        application.AddResourceSupervisor();
        return builder.WithAnnotation(new RestartOnCrashAnnotation(), ResourceAnnotationMutationBehavior.Replace);
    }

    private static void AddResourceSupervisor(this IDistributedApplicationBuilder builder)
    {
        if (builder.Services.Any(service => service.ImplementationType == typeof(ResourceSupervisor)))
        {
            return;
        }

        builder.Services.AddOptions<SupervisionOptions>()
            .BindConfiguration(SupervisionOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SupervisionOptions>, SupervisionOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ResourceSupervisor>();
    }
}
