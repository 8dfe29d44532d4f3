using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s.Models;
using Microsoft.Extensions.Logging;
using RagApp.AppHost.Infrastructure;

namespace RagApp.AppHost.Publishing;

/// <summary>
/// Builds the Kubernetes objects for the application model (docs/deploy.md): a Deployment, Service and
/// PodDisruptionBudget per project, a StatefulSet with a headless Service per container, Secrets for the secret
/// parameters (placeholders only), a ConfigMap for the rest, the gateway's Ingress and the autoscalers. Wiring comes from
/// the resources themselves (their endpoints and environment callbacks evaluated in publish mode); nothing is listed by
/// hand except sizing (<see cref="WorkloadProfile"/>).
/// </summary>
public sealed class KubernetesManifestGenerator(
    DistributedApplicationModel model,
    DistributedApplicationExecutionContext executionContext,
    KubernetesPublishOptions options,
    ILogger logger)
{
    public const string OtlpEndpointKey = "otel-exporter-otlp-endpoint";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string NameLabel = "app.kubernetes.io/name";
    public const string PartOfLabel = "app.kubernetes.io/part-of";

    /// <summary>
    /// The ready list of the ingest queue: RedisKeys.QueuePrefix + the queue name as a hash tag + ":ready" in RagApp.Core
    /// (IngestQueueKeys).
    /// </summary>
    public const string ReadyListKey = "queue:{ingest}:ready";

    /// <summary>Ready jobs per worker replica before KEDA adds one: a job embeds a whole document, seconds of a core.</summary>
    public const int JobsPerWorker = 20;

    private const long AppUserId = 1654; // The "app" user of the mcr.microsoft.com/dotnet images.

    private readonly ClusterPorts _ports = new(model.Resources);

    /// <summary>The Redis address KEDA's scaler uses in a namespace; null while no service scales on the queue.</summary>
    private Func<string, string>? _scalerAddress;

    public async Task<KubernetesManifestSet> GenerateAsync(CancellationToken cancellationToken)
    {
        RejectLocalStandIns();
        var translator = new ManifestValueTranslator(_ports);
        var files = new List<KubernetesManifestFile>();
        var parameters = new HashSet<ParameterResource>();

        var projects = model.Resources.OfType<ProjectResource>().ToList();
        var containers = model.Resources.OfType<ContainerResource>().ToList();
        if (projects.Count == 0)
        {
            throw new KubernetesPublishException("The application model has no services.");
        }

        foreach (var project in projects)
        {
            var profile = WorkloadProfile.For(project.Name);
            var env = await EnvironmentAsync(project, translator, parameters, cancellationToken);
            AddTelemetry(project.Name, env);
            files.Add(new($"base/{project.Name}-deployment.yaml", [Deployment(project, profile, env)]));
            files.Add(new($"base/{project.Name}-service.yaml", [Service(project, headless: false)]));
            files.Add(new($"base/{project.Name}-pdb.yaml", [DisruptionBudget(project.Name)]));
            if (ClusterPorts.Served(project).FirstOrDefault(endpoint => endpoint.IsExternal) is { } external)
            {
                files.Add(new($"base/{project.Name}-ingress.yaml", [Ingress(project, external)]));
            }

            switch (profile.Scaling)
            {
                case WorkloadScaling.Cpu:
                    files.Add(new($"base/{project.Name}-hpa.yaml", [Autoscaler(project.Name, profile)]));
                    break;
                case WorkloadScaling.Queue:
                    files.Add(new($"base/{project.Name}-scaledobject.yaml", QueueScaler(project.Name, profile)));
                    break;
            }
        }

        foreach (var container in containers)
        {
            var profile = WorkloadProfile.For(container.Name);
            var env = await EnvironmentAsync(container, translator, parameters, cancellationToken);
            var args = await ArgumentsAsync(container, translator, parameters, cancellationToken);
            files.Add(new($"base/{container.Name}-statefulset.yaml", [StatefulSet(container, profile, env, args)]));
            files.Add(new($"base/{container.Name}-service.yaml", [Service(container, headless: true)]));
        }

        // Every secret parameter gets a Secret, also one no service reads today: a deployment must be able to set it.
        foreach (var parameter in model.Resources.OfType<ParameterResource>().Where(parameter => parameter.Secret))
        {
            parameters.Add(parameter);
        }

        var secrets = parameters.Where(parameter => parameter.Secret).OrderBy(parameter => parameter.Name, StringComparer.Ordinal).ToList();
        files.Add(new("base/secrets.yaml", secrets.Select(Secret).Cast<object>().ToList()));
        files.Add(new("base/configmap.yaml", [await ConfigMapAsync(parameters.Where(parameter => !parameter.Secret), cancellationToken)]));
        files.AddRange(KustomizeFiles.Create(files, secrets, options, _scalerAddress));
        return new(files);
    }

    /// <summary>Local stand-ins (embedded Garnet, redis-server and qdrant processes, the embedded index) cannot be deployed.</summary>
    private void RejectLocalStandIns()
    {
        foreach (var resource in model.Resources)
        {
            if (resource is GarnetResource or RedisServerResource or QdrantExecutableResource or ExecutableResource)
            {
                throw new KubernetesPublishException(
                    $"{resource.Name} is a local stand-in ({resource.GetType().Name}); publishing must run Redis and Qdrant as containers.");
            }
        }
    }

    private async Task<List<V1EnvVar>> EnvironmentAsync(
        IResource resource, ManifestValueTranslator translator, HashSet<ParameterResource> parameters, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        var context = new EnvironmentCallbackContext(executionContext, resource, values, cancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        var references = new List<V1EnvVar>();
        var variables = new List<V1EnvVar>();
        foreach (var (name, value) in values)
        {
            TranslatedValue translated;
            try
            {
                translated = translator.Translate(value);
            }
            catch (UnsupportedEndpointException exception)
            {
                Log.VariableLeftOut(logger, resource.Name, name, exception.Message);
                continue;
            }

            parameters.UnionWith(translated.Parameters);
            if (translated.SoleParameter is { } sole)
            {
                variables.Add(new V1EnvVar { Name = name, ValueFrom = ParameterSource(sole) });
                continue;
            }

            foreach (var parameter in translated.Parameters)
            {
                var variable = ParameterVariables.VariableName(parameter);
                if (references.All(existing => existing.Name != variable))
                {
                    references.Add(new V1EnvVar { Name = variable, ValueFrom = ParameterSource(parameter) });
                }
            }

            variables.Add(new V1EnvVar { Name = name, Value = translated.Text });
        }

        // Kubernetes expands $(VAR) only from variables defined earlier in the list.
        return [.. references, .. variables];
    }

    private async Task<List<string>> ArgumentsAsync(
        ContainerResource container, ManifestValueTranslator translator, HashSet<ParameterResource> parameters, CancellationToken cancellationToken)
    {
        var values = new List<object>();
        var context = new CommandLineArgsCallbackContext(values, container, cancellationToken) { ExecutionContext = executionContext };
        foreach (var callback in container.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        var arguments = new List<string>();
        foreach (var value in values)
        {
            var translated = translator.Translate(value);
            parameters.UnionWith(translated.Parameters);
            if (translated.Parameters.Count > 0)
            {
                // $(VAR) in args is expanded from the container's variables, which then must carry the parameter.
                throw new KubernetesPublishException($"An argument of {container.Name} carries a parameter; pass it as an environment variable.");
            }

            arguments.Add(translated.Text);
        }

        return arguments;
    }

    private void AddTelemetry(string serviceName, List<V1EnvVar> env)
    {
        env.RemoveAll(variable => variable.Name.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal) || variable.Name == "OTEL_SERVICE_NAME");
        env.Add(new V1EnvVar { Name = "OTEL_SERVICE_NAME", Value = serviceName });
        env.Add(new V1EnvVar
        {
            Name = "OTEL_EXPORTER_OTLP_ENDPOINT",
            ValueFrom = new V1EnvVarSource
            {
                ConfigMapKeyRef = new V1ConfigMapKeySelector { Key = OtlpEndpointKey, Name = ParameterVariables.ConfigMapName },
            },
        });
        env.Add(new V1EnvVar { Name = "OTEL_EXPORTER_OTLP_PROTOCOL", Value = options.OtlpEndpoint.EndsWith(":4318", StringComparison.Ordinal) ? "http/protobuf" : "grpc" });
    }

    private static V1EnvVarSource ParameterSource(ParameterResource parameter) => parameter.Secret
        ? new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Key = ParameterVariables.SecretKey, Name = parameter.Name } }
        : new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Key = parameter.Name, Name = ParameterVariables.ConfigMapName } };

    private static Dictionary<string, string> Labels(string name) => new(StringComparer.Ordinal)
    {
        [NameLabel] = name,
        [PartOfLabel] = "ragapp",
        [ManagedByLabel] = "ragapp-publish-k8s",
    };

    private static Dictionary<string, string> Selector(string name) => new(StringComparer.Ordinal) { [NameLabel] = name };

    private static V1ObjectMeta Metadata(string name) => new() { Name = name, Labels = Labels(name) };

    private V1Deployment Deployment(ProjectResource project, WorkloadProfile profile, List<V1EnvVar> env)
    {
        var ports = ClusterPorts.Served(project).Select(endpoint => ContainerPort(project, endpoint)).ToList();
        // RagApp.Rag serves gRPC (HTTP/2 only) on "http" and its health endpoints on an HTTP/1.1 "health" endpoint.
        var probeEndpoint = ClusterPorts.Served(project).FirstOrDefault(endpoint => endpoint.Name == "health")
            ?? ClusterPorts.Served(project).FirstOrDefault()
            ?? throw new KubernetesPublishException($"{project.Name} has no HTTP endpoint for its health probes.");
        var probePort = _ports.PortOf(project, probeEndpoint.Name);

        var container = new V1Container
        {
            Name = project.Name,
            Image = ProjectImages.ImageOf(project, options),
            ImagePullPolicy = "IfNotPresent",
            Ports = ports,
            Env = env,
            Resources = Resources(profile),
            ReadinessProbe = HttpProbe("/health", probePort, periodSeconds: 10, failureThreshold: 3),
            LivenessProbe = HttpProbe("/alive", probePort, periodSeconds: 20, failureThreshold: 3),
            StartupProbe = profile.StartupSeconds > 0
                ? HttpProbe("/alive", probePort, periodSeconds: 5, failureThreshold: profile.StartupSeconds / 5)
                : null,
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = AppUserId,
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = profile.ReadOnlyRootFilesystem,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts = [new V1VolumeMount { MountPath = "/tmp", Name = "tmp" }],
        };

        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(project.Name),
            Spec = new V1DeploymentSpec
            {
                Replicas = profile.Replicas,
                Selector = new V1LabelSelector { MatchLabels = Selector(project.Name) },
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 },
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(project.Name) },
                    Spec = new V1PodSpec
                    {
                        Containers = [container],
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = AppUserId,
                            RunAsGroup = AppUserId,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        // /tmp: the runtime's diagnostics socket and temporary files; the root filesystem stays read-only.
                        Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("256Mi") } }],
                        TerminationGracePeriodSeconds = 45,
                        TopologySpreadConstraints =
                        [
                            new V1TopologySpreadConstraint
                            {
                                MaxSkew = 1,
                                TopologyKey = "kubernetes.io/hostname",
                                WhenUnsatisfiable = "ScheduleAnyway",
                                LabelSelector = new V1LabelSelector { MatchLabels = Selector(project.Name) },
                            },
                        ],
                    },
                },
            },
        };
    }

    private V1StatefulSet StatefulSet(ContainerResource container, WorkloadProfile profile, List<V1EnvVar> env, List<string> args)
    {
        var image = container.Annotations.OfType<ContainerImageAnnotation>().LastOrDefault()
            ?? throw new KubernetesPublishException($"The container {container.Name} has no image.");
        var reference = (image.Registry is { Length: > 0 } registry ? registry + "/" : "") + image.Image
            + (image.SHA256 is { Length: > 0 } sha ? "@sha256:" + sha : ":" + (image.Tag ?? "latest"));

        var claims = new List<V1PersistentVolumeClaim>();
        var mounts = new List<V1VolumeMount>();
        foreach (var mount in container.Annotations.OfType<ContainerMountAnnotation>())
        {
            if (mount.Type != ContainerMountType.Volume)
            {
                throw new KubernetesPublishException($"The container {container.Name} mounts a host path ({mount.Source}); only volumes can be deployed.");
            }

            var name = claims.Count == 0 ? "data" : $"data-{claims.Count}";
            claims.Add(new V1PersistentVolumeClaim
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = Labels(container.Name) },
                Spec = new V1PersistentVolumeClaimSpec
                {
                    AccessModes = ["ReadWriteOnce"],
                    Resources = new V1VolumeResourceRequirements
                    {
                        Requests = new Dictionary<string, ResourceQuantity>
                        {
                            ["storage"] = new(options.StorageSizes.GetValueOrDefault(container.Name, options.DefaultStorageSize)),
                        },
                    },
                },
            });
            mounts.Add(new V1VolumeMount { MountPath = mount.Target, Name = name, ReadOnlyProperty = mount.IsReadOnly });
        }

        var ports = ClusterPorts.Served(container).Select(endpoint => ContainerPort(container, endpoint)).ToList();
        var http = ClusterPorts.Served(container).FirstOrDefault(endpoint => endpoint.Name == "http");
        var first = ports.FirstOrDefault() ?? throw new KubernetesPublishException($"The container {container.Name} has no endpoint.");
        // An HTTP endpoint answers a health request (Qdrant's /readyz and /livez need no API key); Redis gets a TCP check.
        var readiness = http is null
            ? new V1Probe { TcpSocket = new V1TCPSocketAction { Port = first.ContainerPort }, PeriodSeconds = 10 }
            : HttpProbe("/readyz", _ports.PortOf(container, http.Name), periodSeconds: 10, failureThreshold: 3);
        var liveness = http is null
            ? new V1Probe { TcpSocket = new V1TCPSocketAction { Port = first.ContainerPort }, PeriodSeconds = 20, FailureThreshold = 3 }
            : HttpProbe("/livez", _ports.PortOf(container, http.Name), periodSeconds: 20, failureThreshold: 3);

        return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = Metadata(container.Name),
            Spec = new V1StatefulSetSpec
            {
                ServiceName = container.Name,
                Replicas = profile.Replicas,
                Selector = new V1LabelSelector { MatchLabels = Selector(container.Name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(container.Name) },
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container
                            {
                                Name = container.Name,
                                Image = reference,
                                Command = container.Entrypoint is { Length: > 0 } entrypoint ? [entrypoint] : null,
                                Args = args.Count > 0 ? args : null,
                                Env = env,
                                Ports = ports,
                                Resources = Resources(profile),
                                ReadinessProbe = readiness,
                                LivenessProbe = liveness,
                                VolumeMounts = mounts,
                                SecurityContext = new V1SecurityContext
                                {
                                    AllowPrivilegeEscalation = false,
                                    RunAsNonRoot = profile.RunAsUser is null ? null : true,
                                    RunAsUser = profile.RunAsUser,
                                    RunAsGroup = profile.RunAsUser,
                                },
                            },
                        ],
                        SecurityContext = profile.RunAsUser is { } user ? new V1PodSecurityContext { FsGroup = user } : null,
                    },
                },
                VolumeClaimTemplates = claims,
            },
        };
    }

    private V1ContainerPort ContainerPort(IResource resource, EndpointAnnotation endpoint) =>
        new() { ContainerPort = _ports.PortOf(resource, endpoint.Name), Name = PortName(endpoint.Name), Protocol = "TCP" };

    /// <summary>Port names are at most 15 characters.</summary>
    private static string PortName(string endpointName) => endpointName.Length <= 15 ? endpointName : endpointName[..15];

    private static V1Probe HttpProbe(string path, int port, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = port },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 5,
        FailureThreshold = failureThreshold,
    };

    private static V1ResourceRequirements Resources(WorkloadProfile profile) => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(profile.CpuRequest), ["memory"] = new(profile.MemoryRequest) },
        Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(profile.CpuLimit), ["memory"] = new(profile.MemoryLimit) },
    };

    private V1Service Service(IResource resource, bool headless) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Metadata(resource.Name),
        Spec = new V1ServiceSpec
        {
            // Headless for the stateful containers: the name resolves to the pod itself, stable across restarts.
            ClusterIP = headless ? "None" : null,
            Selector = Selector(resource.Name),
            Ports = ClusterPorts.Served(resource).Select(endpoint =>
            {
                var port = _ports.PortOf(resource, endpoint.Name);
                return new V1ServicePort
                {
                    Port = port,
                    Name = PortName(endpoint.Name),
                    TargetPort = port,
                    Protocol = "TCP",
                    AppProtocol = endpoint.Transport == "http2" ? "kubernetes.io/h2c" : null,
                };
            }).ToList(),
        },
    };

    private static V1PodDisruptionBudget DisruptionBudget(string name) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = Metadata(name),
        Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = new V1LabelSelector { MatchLabels = Selector(name) } },
    };

    private V1Ingress Ingress(ProjectResource project, EndpointAnnotation endpoint) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = Metadata(project.Name),
        Spec = new V1IngressSpec
        {
            IngressClassName = options.IngressClassName.Length > 0 ? options.IngressClassName : null,
            Tls = [new V1IngressTLS { Hosts = [options.IngressHost], SecretName = $"{project.Name}-tls" }],
            Rules =
            [
                new V1IngressRule
                {
                    Host = options.IngressHost,
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = "/",
                                PathType = "Prefix",
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend
                                    {
                                        Name = project.Name,
                                        Port = new V1ServiceBackendPort { Number = _ports.PortOf(project, endpoint.Name) },
                                    },
                                },
                            },
                        ],
                    },
                },
            ],
        },
    };

    private static V2HorizontalPodAutoscaler Autoscaler(string name, WorkloadProfile profile) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = Metadata(name),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = name },
            MinReplicas = profile.Replicas,
            MaxReplicas = profile.MaxReplicas,
            Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource
                    {
                        Name = "cpu",
                        Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 70 },
                    },
                },
            ],
        },
    };

    /// <summary>A KEDA ScaledObject on the ready list's length, authenticated with the Redis password Secret.</summary>
    private List<object> QueueScaler(string name, WorkloadProfile profile)
    {
        var redis = model.Resources.OfType<RedisResource>().SingleOrDefault()
            ?? throw new KubernetesPublishException($"{name} scales on the Redis queue, but the model has no Redis container.");
        var port = _ports.PortOf(redis, ClusterPorts.Served(redis).First().Name);
        _scalerAddress = ns => string.Create(CultureInfo.InvariantCulture, $"{redis.Name}.{ns}.svc.cluster.local:{port}");
        var address = _scalerAddress(options.Namespace);
        var authentication = $"{name}-redis";
        var triggerAuthentication = new KedaObject
        {
            Kind = "TriggerAuthentication",
            Metadata = Metadata(authentication),
            Spec = new()
            {
                ["secretTargetRef"] = new List<object>
                {
                    new Dictionary<string, object>
                    {
                        ["parameter"] = "password",
                        ["name"] = redis.PasswordParameter?.Name ?? throw new KubernetesPublishException("The Redis container has no password."),
                        ["key"] = ParameterVariables.SecretKey,
                    },
                },
            },
        };
        var scaledObject = new KedaObject
        {
            Kind = "ScaledObject",
            Metadata = Metadata(name),
            Spec = new()
            {
                ["scaleTargetRef"] = new Dictionary<string, object> { ["name"] = name },
                ["minReplicaCount"] = profile.Replicas,
                ["maxReplicaCount"] = profile.MaxReplicas,
                ["pollingInterval"] = 15,
                // Long enough for a burst's last jobs to finish before replicas go.
                ["cooldownPeriod"] = 300,
                ["triggers"] = new List<object>
                {
                    new Dictionary<string, object>
                    {
                        ["type"] = "redis",
                        ["metadata"] = new Dictionary<string, object>
                        {
                            ["address"] = address,
                            ["listName"] = ReadyListKey,
                            ["listLength"] = JobsPerWorker.ToString(CultureInfo.InvariantCulture),
                            ["databaseIndex"] = "0",
                        },
                        ["authenticationRef"] = new Dictionary<string, object> { ["name"] = authentication },
                    },
                },
            },
        };
        return [triggerAuthentication, scaledObject];
    }

    private static V1Secret Secret(ParameterResource parameter) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = Metadata(parameter.Name),
        Type = "Opaque",
        // Never the parameter's value: the overlays' secretGenerator (or a secret manager) supplies it.
        StringData = new Dictionary<string, string> { [ParameterVariables.SecretKey] = ParameterVariables.Placeholder },
    };

    private async Task<V1ConfigMap> ConfigMapAsync(IEnumerable<ParameterResource> parameters, CancellationToken cancellationToken)
    {
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal) { [OtlpEndpointKey] = options.OtlpEndpoint };
        foreach (var parameter in parameters)
        {
            data[parameter.Name] = await parameter.GetValueAsync(cancellationToken)
                ?? throw new KubernetesPublishException($"The parameter {parameter.Name} has no value.");
        }

        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = Metadata(ParameterVariables.ConfigMapName),
            Data = new Dictionary<string, string>(data, StringComparer.Ordinal),
        };
    }
}
