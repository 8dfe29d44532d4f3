using k8s;
using RagApp.AppHost.Publishing;
using RagApp.Tests.Index;

namespace RagApp.Tests.Publishing;

/// <summary>
/// The output of one run of the publish-k8s step and one of the Aspire manifest publisher, shared by the tests of a
/// class: each run is a process start (about a second), the assertions only read files. Every secret parameter gets a
/// recognisable value so that the tests can prove none of them reaches the output.
/// </summary>
public sealed class PublishedManifests : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string> SecretValues = new Dictionary<string, string>
    {
        ["Parameters__api-keys"] = "k8s-test-api-key-7f3a9c,k8s-test-api-key-second",
        ["Parameters__redis-password"] = "k8sTestRedisPassword4c1d",
        ["Parameters__qdrant-api-key"] = "k8sTestQdrantKey9e2b",
        ["ConnectionStrings__chat"] = "Endpoint=https://example.openai.azure.com/;Key=k8s-test-chat-key-51aa;Deployment=gpt",
    };

    private readonly TestDirectory _directory = new();

    public string OutputDirectory => Path.Combine(_directory.Path, "k8s");

    public string AspireManifestPath => Path.Combine(_directory.Path, "aspire-manifest.json");

    public AppHostRunResult KubernetesRun { get; private set; } = null!;

    public AppHostRunResult ManifestRun { get; private set; } = null!;

    /// <summary>Every YAML file of the base and the objects it holds, read back with KubernetesClient's deserializer.</summary>
    public IReadOnlyDictionary<string, IList<object>> Documents { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var kubernetes = AppHostPublishRun.RunAsync(
            ["--operation", "publish", "--step", KubernetesPublishingExtensions.StepName, "--output-path", OutputDirectory],
            SecretValues, timeout.Token);
        var manifest = AppHostPublishRun.RunAsync(
            ["--publisher", "manifest", "--output-path", AspireManifestPath],
            SecretValues, timeout.Token);
        (KubernetesRun, ManifestRun) = (await kubernetes, await manifest);

        var documents = new Dictionary<string, IList<object>>(StringComparer.Ordinal);
        var baseDirectory = Path.Combine(OutputDirectory, KustomizeFiles.BaseDirectory);
        if (Directory.Exists(baseDirectory))
        {
            foreach (var path in Directory.EnumerateFiles(baseDirectory, "*.yaml").Where(path => Path.GetFileName(path) != "kustomization.yaml"))
            {
                documents[Path.GetFileName(path)] = KubernetesYaml.LoadAllFromString(await File.ReadAllTextAsync(path, timeout.Token), TypeMap);
            }
        }

        Documents = documents;
    }

    /// <summary>The typed models KubernetesClient knows, plus the KEDA kinds it does not.</summary>
    public static IDictionary<string, Type> TypeMap { get; } = CreateTypeMap();

    public IEnumerable<T> All<T>() => Documents.Values.SelectMany(documents => documents).OfType<T>();

    public ValueTask DisposeAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private static Dictionary<string, Type> CreateTypeMap()
    {
        var map = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in typeof(k8s.Models.V1Deployment).Assembly.GetTypes())
        {
            if (type.GetCustomAttributes(typeof(k8s.Models.KubernetesEntityAttribute), false).FirstOrDefault() is k8s.Models.KubernetesEntityAttribute entity)
            {
                var apiVersion = string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}";
                map.TryAdd($"{apiVersion}/{entity.Kind}", type);
            }
        }

        map[$"{KedaObject.KedaApiVersion}/ScaledObject"] = typeof(KedaObject);
        map[$"{KedaObject.KedaApiVersion}/TriggerAuthentication"] = typeof(KedaObject);
        return map;
    }
}
