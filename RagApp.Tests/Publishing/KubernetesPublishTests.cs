using System.Diagnostics;
using k8s.Models;
using RagApp.AppHost.Publishing;
using RagApp.Core.Queue;

namespace RagApp.Tests.Publishing;

/// <summary>
/// The publish-k8s step run as a deployment script runs it: the files it writes, read back with KubernetesClient, hold
/// every object each service needs, wired to the cluster's names, with secrets only as references.
/// </summary>
public sealed class KubernetesPublishTests(PublishedManifests published) : IClassFixture<PublishedManifests>
{
    private const int Timeout = 30_000;
    private static readonly string[] Services = ["gateway", "rag", "ingest-worker"];

    [Fact(Timeout = Timeout)]
    public void Step_Succeeds_AndWritesEveryKindOfObject()
    {
        _ = TestContext.Current.CancellationToken;
        Assert.True(published.KubernetesRun.ExitCode == 0, published.KubernetesRun.Output);

        var kinds = published.Documents.Values.SelectMany(documents => documents)
            .Select(document => ((k8s.IKubernetesObject)document).Kind).ToHashSet();
        Assert.Superset(
            new HashSet<string> { "Deployment", "Service", "PodDisruptionBudget", "StatefulSet", "ConfigMap", "Secret", "Ingress", "HorizontalPodAutoscaler", "ScaledObject", "TriggerAuthentication" },
            kinds);
        Assert.Equal(Services.Order(), published.All<V1Deployment>().Select(deployment => deployment.Metadata.Name).Order());
        Assert.Equal(["qdrant", "redis"], published.All<V1StatefulSet>().Select(set => set.Metadata.Name).Order());
        Assert.Equal(Services.Order(), published.All<V1PodDisruptionBudget>().Select(budget => budget.Metadata.Name).Order());
        Assert.Equal(["gateway", "rag"], published.All<V2HorizontalPodAutoscaler>().Select(hpa => hpa.Metadata.Name).Order());
    }

    [Fact(Timeout = Timeout)]
    public async Task Kustomization_ListsEveryFileOfTheBase()
    {
        var baseDirectory = Path.Combine(published.OutputDirectory, KustomizeFiles.BaseDirectory);
        var listed = (await File.ReadAllLinesAsync(Path.Combine(baseDirectory, "kustomization.yaml"), TestContext.Current.CancellationToken))
            .Where(line => line.StartsWith("  - ", StringComparison.Ordinal))
            .Select(line => line[4..]);
        var written = Directory.EnumerateFiles(baseDirectory, "*.yaml").Select(Path.GetFileName).Where(name => name != "kustomization.yaml");

        Assert.Equal(written.Order(), listed.Order());
    }

    [Theory(Timeout = Timeout)]
    [InlineData("gateway", false)]
    [InlineData("rag", true)]
    [InlineData("ingest-worker", true)]
    public void Deployment_IsReplicatedProbedSizedAndUnprivileged(string name, bool loadsModel)
    {
        _ = TestContext.Current.CancellationToken;
        var deployment = Assert.Single(published.All<V1Deployment>(), deployment => deployment.Metadata.Name == name);
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.True(deployment.Spec.Replicas >= 2);
        Assert.Equal($"ragapp-{name}:latest", container.Image);
        Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
        Assert.Equal(loadsModel, container.StartupProbe is not null);
        Assert.Contains(container.Ports, port => port.ContainerPort.ToString() == container.ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal(loadsModel ? "1" : "250m", container.Resources.Requests["cpu"].ToString());
        Assert.Equal(loadsModel ? "2Gi" : "512Mi", container.Resources.Limits["memory"].ToString());
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        var tmp = Assert.Single(container.VolumeMounts, mount => mount.MountPath == "/tmp");
        Assert.NotNull(Assert.Single(pod.Volumes, volume => volume.Name == tmp.Name).EmptyDir);

        var service = Assert.Single(published.All<V1Service>(), service => service.Metadata.Name == name);
        Assert.Equal(container.Ports.Select(port => port.ContainerPort).Order(), service.Spec.Ports.Select(port => port.Port).Order());
        Assert.Equal("1", Assert.Single(published.All<V1PodDisruptionBudget>(), budget => budget.Metadata.Name == name).Spec.MinAvailable.Value);
    }

    [Fact(Timeout = Timeout)]
    public void Environment_UsesClusterNames_AndReadsSecretsFromSecrets()
    {
        _ = TestContext.Current.CancellationToken;
        var gateway = Env("gateway");
        var rag = Env("rag");
        var worker = Env("ingest-worker");

        foreach (var env in new[] { gateway, rag, worker })
        {
            Assert.Equal("redis:6379,password=$(RAGAPP_PARAM_REDIS_PASSWORD)", env["ConnectionStrings__redis"].Value);
            Assert.Equal("redis-password", env["RAGAPP_PARAM_REDIS_PASSWORD"].ValueFrom.SecretKeyRef.Name);
            Assert.Equal(ParameterVariables.ConfigMapName, env["OTEL_EXPORTER_OTLP_ENDPOINT"].ValueFrom.ConfigMapKeyRef.Name);
            Assert.DoesNotContain(env.Keys, key => key.Contains("https", StringComparison.OrdinalIgnoreCase));
        }

        Assert.Equal("http://rag:5210", gateway["services__rag__http__0"].Value);
        Assert.Equal("http://rag:5210", worker["services__rag__http__0"].Value);
        Assert.Equal("api-keys", gateway["Gateway__Access__ApiKeys"].ValueFrom.SecretKeyRef.Name);
        Assert.Equal("rate-limit-per-minute", gateway["Gateway__RateLimits__PermitsPerMinute"].ValueFrom.ConfigMapKeyRef.Key);
        Assert.Equal("chat", rag["ConnectionStrings__chat"].ValueFrom.SecretKeyRef.Name);
        Assert.Equal("Qdrant", rag["VectorStore__Provider"].Value);
        Assert.Equal("Endpoint=http://qdrant:6334;Key=$(RAGAPP_PARAM_QDRANT_API_KEY)", rag["ConnectionStrings__qdrant"].Value);
        Assert.Equal("http://*:5210", rag["Kestrel__Endpoints__http__Url"].Value);
        Assert.DoesNotContain("ConnectionStrings__chat", gateway.Keys);

        var configMap = Assert.Single(published.All<V1ConfigMap>());
        Assert.Equal("100", configMap.Data["rate-limit-per-minute"]);
        Assert.False(string.IsNullOrEmpty(configMap.Data[KubernetesManifestGenerator.OtlpEndpointKey]));
    }

    [Fact(Timeout = Timeout)]
    public void Environment_DefinesEveryReferencedVariableBeforeItsUse()
    {
        _ = TestContext.Current.CancellationToken;
        foreach (var deployment in published.All<V1Deployment>())
        {
            var defined = new HashSet<string>();
            foreach (var variable in deployment.Spec.Template.Spec.Containers[0].Env)
            {
                foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(variable.Value ?? "", @"\$\(([A-Za-z0-9_]+)\)"))
                {
                    Assert.Contains(match.Groups[1].Value, defined);
                }

                defined.Add(variable.Name);
            }
        }
    }

    [Fact(Timeout = Timeout)]
    public void StatefulParts_HaveVolumeClaims_HeadlessServices_AndSecretPasswords()
    {
        _ = TestContext.Current.CancellationToken;
        foreach (var (name, mountPath, port) in new[] { ("redis", "/data", 6379), ("qdrant", "/qdrant/storage", 6334) })
        {
            var set = Assert.Single(published.All<V1StatefulSet>(), set => set.Metadata.Name == name);
            var claim = Assert.Single(set.Spec.VolumeClaimTemplates);
            var container = Assert.Single(set.Spec.Template.Spec.Containers);
            Assert.Equal(claim.Metadata.Name, Assert.Single(container.VolumeMounts, mount => mount.MountPath == mountPath).Name);
            Assert.NotNull(claim.Spec.Resources.Requests["storage"]);
            Assert.Contains(container.Ports, containerPort => containerPort.ContainerPort == port);
            Assert.NotNull(container.ReadinessProbe);
            var service = Assert.Single(published.All<V1Service>(), service => service.Metadata.Name == name);
            Assert.Equal("None", service.Spec.ClusterIP);
            Assert.Equal(name, set.Spec.ServiceName);
        }

        var redis = Assert.Single(published.All<V1StatefulSet>(), set => set.Metadata.Name == "redis").Spec.Template.Spec.Containers[0];
        Assert.Equal("redis-password", Assert.Single(redis.Env, variable => variable.Name == "REDIS_PASSWORD").ValueFrom.SecretKeyRef.Name);
        Assert.True(redis.SecurityContext.RunAsNonRoot);
        var qdrant = Assert.Single(published.All<V1StatefulSet>(), set => set.Metadata.Name == "qdrant").Spec.Template.Spec.Containers[0];
        Assert.Equal("qdrant-api-key", Assert.Single(qdrant.Env, variable => variable.Name == "QDRANT__SERVICE__API_KEY").ValueFrom.SecretKeyRef.Name);
    }

    [Fact(Timeout = Timeout)]
    public void Secrets_ArePlaceholders_AndNoSecretValueIsWrittenAnywhere()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var secrets = published.All<V1Secret>().ToList();
        Assert.Equal(["api-keys", "chat", "qdrant-api-key", "redis-password"], secrets.Select(secret => secret.Metadata.Name).Order());
        Assert.All(secrets, secret => Assert.Equal(ParameterVariables.Placeholder, secret.StringData[ParameterVariables.SecretKey]));

        var values = PublishedManifests.SecretValues.Values
            .SelectMany(value => value.Split([',', ';', '='], StringSplitOptions.RemoveEmptyEntries))
            .Where(part => part.Contains("k8s", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.Equal(5, values.Count);
        foreach (var path in Directory.EnumerateFiles(published.OutputDirectory, "*", SearchOption.AllDirectories).Append(published.AspireManifestPath))
        {
            var text = File.ReadAllText(path);
            foreach (var value in values)
            {
                Assert.False(text.Contains(value, StringComparison.Ordinal), $"{path} holds the secret value {value}.");
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    [Fact(Timeout = Timeout)]
    public void Ingress_Autoscalers_AndQueueScaler_TargetTheRightServices()
    {
        _ = TestContext.Current.CancellationToken;
        var ingress = Assert.Single(published.All<V1Ingress>());
        var backend = Assert.Single(Assert.Single(ingress.Spec.Rules).Http.Paths).Backend.Service;
        Assert.Equal("gateway", backend.Name);
        Assert.Equal(8080, backend.Port.Number);

        foreach (var hpa in published.All<V2HorizontalPodAutoscaler>())
        {
            Assert.Equal(hpa.Metadata.Name, hpa.Spec.ScaleTargetRef.Name);
            Assert.True(hpa.Spec.MinReplicas >= 2);
            Assert.Equal("cpu", Assert.Single(hpa.Spec.Metrics).Resource.Name);
        }

        var keda = published.All<KedaObject>().ToList();
        var scaledObject = Assert.Single(keda, item => item.Kind == "ScaledObject");
        var authentication = Assert.Single(keda, item => item.Kind == "TriggerAuthentication");
        Assert.Equal("ingest-worker", ((IDictionary<object, object>)scaledObject.Spec["scaleTargetRef"])["name"]);
        var trigger = (IDictionary<object, object>)Assert.Single((IList<object>)scaledObject.Spec["triggers"]);
        var metadata = (IDictionary<object, object>)trigger["metadata"];
        Assert.Equal("redis", trigger["type"]);
        // The list the worker actually leases from, as RagApp.Core names it.
        Assert.Equal(new IngestQueueKeys(new IngestQueueOptions().QueueName).Ready.ToString(), metadata["listName"]);
        Assert.Equal(authentication.Metadata.Name, ((IDictionary<object, object>)trigger["authenticationRef"])["name"]);
        var secretRef = (IDictionary<object, object>)Assert.Single((IList<object>)authentication.Spec["secretTargetRef"]);
        Assert.Equal("redis-password", secretRef["name"]);
    }

    [Theory(Timeout = Timeout)]
    [InlineData("base")]
    [InlineData("overlays/staging")]
    [InlineData("overlays/production")]
    public async Task Kustomize_BuildsTheBaseAndEachOverlay(string directory)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        if (RagApp.AppHost.Infrastructure.ExecutableLocator.Find("kubectl") is null)
        {
            Assert.Skip("kubectl is not installed; `kubectl kustomize` cannot be checked here.");
        }

        var start = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(published.OutputDirectory, directory)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);

        Assert.True(process.ExitCode == 0, await error);
        var objects = k8s.KubernetesYaml.LoadAllFromString(await output, PublishedManifests.TypeMap);
        Assert.Contains(objects.OfType<V1Deployment>(), deployment => deployment.Metadata.Name == "gateway");
        if (directory.StartsWith("overlays", StringComparison.Ordinal))
        {
            Assert.All(objects.OfType<V1Deployment>(), deployment => Assert.False(string.IsNullOrEmpty(deployment.Metadata.NamespaceProperty)));
            var scaledObject = Assert.Single(objects.OfType<KedaObject>(), item => item.Kind == "ScaledObject");
            var ns = scaledObject.Metadata.NamespaceProperty;
            var trigger = (IDictionary<object, object>)((IList<object>)scaledObject.Spec["triggers"])[0];
            Assert.Equal($"redis.{ns}.svc.cluster.local:6379", ((IDictionary<object, object>)trigger["metadata"])["address"]);
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task AspireManifest_HoldsEveryResource_AndTheSecretParameters()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.True(published.ManifestRun.ExitCode == 0, published.ManifestRun.Output);
        using var manifest = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(published.AspireManifestPath, cancellationToken));
        var resources = manifest.RootElement.GetProperty("resources");

        foreach (var name in Services)
        {
            Assert.Equal("project.v0", resources.GetProperty(name).GetProperty("type").GetString());
        }

        foreach (var name in new[] { "redis", "qdrant" })
        {
            Assert.Equal("container.v0", resources.GetProperty(name).GetProperty("type").GetString());
        }

        foreach (var name in new[] { "api-keys", "chat" })
        {
            var parameter = resources.GetProperty(name);
            Assert.Equal("parameter.v0", parameter.GetProperty("type").GetString());
            Assert.True(parameter.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        }
    }

    private Dictionary<string, V1EnvVar> Env(string deployment) =>
        Assert.Single(published.All<V1Deployment>(), item => item.Metadata.Name == deployment)
            .Spec.Template.Spec.Containers[0].Env.ToDictionary(variable => variable.Name);
}
