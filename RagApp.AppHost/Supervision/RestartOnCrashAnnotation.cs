using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Supervision;

/// <summary>Marks a project or executable resource that the <see cref="ResourceSupervisor"/> starts again when it crashes.</summary>
public sealed class RestartOnCrashAnnotation : IResourceAnnotation;
