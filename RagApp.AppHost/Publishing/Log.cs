using Microsoft.Extensions.Logging;

namespace RagApp.AppHost.Publishing;

internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "{Resource}: {Variable} is left out of the manifests: {Reason}")]
    public static partial void VariableLeftOut(ILogger logger, string resource, string variable, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Wrote {Count} Kubernetes manifest files to {Directory}")]
    public static partial void ManifestsWritten(ILogger logger, int count, string directory);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "The Kubernetes manifests could not be produced: {Reason}")]
    public static partial void ManifestsFailed(ILogger logger, string reason);
}
