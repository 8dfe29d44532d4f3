using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Supervision;

/// <summary>What the <see cref="ResourceSupervisor"/> remembers of one running instance of a supervised resource.</summary>
internal sealed class SupervisedInstance(IResource resource, string resourceId)
{
    public IResource Resource { get; } = resource;

    /// <summary>The orchestrator's name of the instance (resource name plus a suffix), which commands and logs address.</summary>
    public string ResourceId { get; } = resourceId;

    /// <summary>The state seen last; a crash is told from a requested stop by it (see <see cref="InstanceExit"/>).</summary>
    public string? LastState { get; set; }

    public DateTimeOffset? RunningSince { get; set; }

    public int RestartsInARow { get; set; }

    /// <summary>Cancels the wait before a restart, when someone else starts the instance first.</summary>
    public CancellationTokenSource? PendingRestart { get; set; }
}
