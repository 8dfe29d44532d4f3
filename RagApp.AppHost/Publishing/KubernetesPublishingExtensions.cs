using System.ComponentModel.DataAnnotations;
using Aspire.Hosting;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RagApp.AppHost.Publishing;

/// <summary>
/// The publish-k8s pipeline step (docs/deploy.md): Kubernetes manifests and kustomize overlays for the application
/// model, written into the publish output path:
/// <c>dotnet run --project RagApp.AppHost -- --operation publish --step publish-k8s --output-path &lt;dir&gt;</c>.
/// </summary>
public static class KubernetesPublishingExtensions
{
    public const string StepName = "publish-k8s";

    public static IDistributedApplicationBuilder AddKubernetesPublishing(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004 // The pipeline API is experimental in Aspire 13; it is the only way to add a publish step without the Aspire CLI.
        builder.Pipeline.AddStep(StepName, async context =>
        {
            var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
            var options = builder.Configuration.GetSection(KubernetesPublishOptions.SectionName).Get<KubernetesPublishOptions>()
                ?? new KubernetesPublishOptions();
            try
            {
                var errors = new List<ValidationResult>();
                if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
                {
                    throw new KubernetesPublishException(
                        $"{KubernetesPublishOptions.SectionName}: {string.Join("; ", errors.Select(error => error.ErrorMessage))}");
                }

                // Everything is built in memory first: a model the manifests cannot express leaves no partial set behind.
                var set = await new KubernetesManifestGenerator(context.Model, context.ExecutionContext, options, context.Logger)
                    .GenerateAsync(context.CancellationToken);
                await KubernetesManifestWriter.WriteAsync(set, output, context.CancellationToken);
                Log.ManifestsWritten(context.Logger, set.Files.Count, output);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.ManifestsFailed(context.Logger, exception.Message);
                // A failing step alone does not change the process's exit code; deployment scripts must see the failure.
                Environment.ExitCode = 1;
                throw;
            }
        }, requiredBy: WellKnownPipelineSteps.Publish);
#pragma warning restore ASPIREPIPELINES001, ASPIREPIPELINES004
        return builder;
    }
}
