using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RagApp.AppHost.Supervision;

/// <summary>
/// Starts a supervised resource (<see cref="RestartOnCrashAnnotation"/>) again when it ends without being asked to, the
/// way a service manager would: after <see cref="SupervisionOptions.InitialBackoff"/>, doubled for each crash in a row up
/// to <see cref="SupervisionOptions.MaxBackoff"/>, and counted from the start again once it stayed up for
/// <see cref="SupervisionOptions.StableAfter"/>. Orchestrators other than ours (a container engine, Kubernetes) have
/// restart policies of their own; locally nothing else would bring a killed service back.
/// </summary>
internal sealed class ResourceSupervisor(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService resourceLogs,
    DistributedApplicationModel model,
    IOptions<SupervisionOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<ResourceSupervisor> logger) : BackgroundService
{
    private readonly Dictionary<string, SupervisedInstance> _instances = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            logger.SupervisionDisabled();
            return;
        }

        // Processes only: a container engine has restart policies of its own, and its states read differently.
        var supervised = model.Resources
            .Where(resource => resource is (ProjectResource or ExecutableResource) && resource.HasAnnotationOfType<RestartOnCrashAnnotation>())
            .ToHashSet();
        if (supervised.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", supervised.Select(resource => resource.Name));
        logger.Supervising(names, settings.InitialBackoff, settings.MaxBackoff, settings.StableAfter);

        // The application stopping takes every resource down through Stopping anyway; stopping supervision first as well
        // makes sure no restart races the shutdown.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping.Token))
            {
                if (supervised.Contains(update.Resource))
                {
                    await ObserveAsync(update, settings, stopping.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The application is stopping.
        }
        finally
        {
            lock (_gate)
            {
                foreach (var instance in _instances.Values)
                {
                    instance.PendingRestart?.Cancel();
                }
            }
        }
    }

    private async Task ObserveAsync(ResourceEvent update, SupervisionOptions settings, CancellationToken stoppingToken)
    {
        var state = update.Snapshot.State?.Text;
        SupervisedInstance instance;
        string? previousState;
        lock (_gate)
        {
            if (!_instances.TryGetValue(update.ResourceId, out instance!))
            {
                instance = _instances[update.ResourceId] = new SupervisedInstance(update.Resource, update.ResourceId);
            }

            if (string.IsNullOrEmpty(state) || state == instance.LastState)
            {
                // Updates of health, URLs or properties; the orchestrator also publishes an empty state between
                // Starting and Running.
                return;
            }

            previousState = instance.LastState;
            instance.LastState = state;
            if (state == KnownResourceStates.Running)
            {
                instance.RunningSince = timeProvider.GetUtcNow();
            }

            if (!KnownResourceStates.TerminalStates.Contains(state) && instance.PendingRestart is { } pending)
            {
                // Someone (the dashboard, a test) started it while the restart was waiting out its backoff.
                pending.Cancel();
                instance.PendingRestart = null;
                Log(instance, log => log.RestartOvertaken(instance.Resource.Name));
            }
        }

        // An end straight from Running is a crash unless a stop was asked for (the orchestrator can skip Stopping).
        var lastCommand = previousState == KnownResourceStates.Running && KnownResourceStates.TerminalStates.Contains(state)
            ? await LastLifecycleCommandAsync(instance, stoppingToken)
            : null;
        if (KnownResourceStates.TerminalStates.Contains(state))
        {
            // Every end, with what decides it, in the resource's log: a wrong decision can then be told from the log alone.
            Log(instance, log => log.Ended(instance.Resource.Name, previousState ?? "(none)", state, update.Snapshot.ExitCode, lastCommand ?? "(none read)"));
        }

        lock (_gate)
        {
            switch (InstanceExit.Classify(previousState, state, lastCommand))
            {
                case InstanceExitKind.StoppedOnRequest:
                    Log(instance, log => log.StoppedOnRequest(instance.Resource.Name));
                    break;

                case InstanceExitKind.Crashed:
                    var now = timeProvider.GetUtcNow();
                    if (instance.RunningSince is { } since && now - since >= settings.StableAfter)
                    {
                        instance.RestartsInARow = 0;
                    }

                    instance.RestartsInARow++;
                    var restart = instance.RestartsInARow;
                    var delay = RestartBackoff.For(restart, settings);
                    Log(instance, log => log.Crashed(instance.Resource.Name, update.Snapshot.ExitCode, delay, restart));
                    var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    instance.PendingRestart = wait;
                    _ = RestartAsync(instance, delay, wait, settings, stoppingToken);
                    break;
            }
        }
    }

    private async Task<string?> LastLifecycleCommandAsync(SupervisedInstance instance, CancellationToken stoppingToken)
    {
        try
        {
            return await LifecycleCommandLog.LastAsync(resourceLogs, instance.ResourceId, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Without the log, the state alone decides (a crash): restarting a stopped service beats leaving a crashed one down.
            logger.CommandLogUnreadable(instance.Resource.Name, exception);
            return null;
        }
    }

    /// <summary>Waits out the backoff, then starts the instance; a start the orchestrator refuses is tried again, later.</summary>
    private async Task RestartAsync(SupervisedInstance instance, TimeSpan delay, CancellationTokenSource wait, SupervisionOptions settings, CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(delay, timeProvider, wait.Token);
                int restart;
                lock (_gate)
                {
                    if (wait.IsCancellationRequested)
                    {
                        return;
                    }

                    // From here on, the instance's own Starting and Running are the restart's doing, not someone else's.
                    instance.PendingRestart = null;
                    restart = instance.RestartsInARow;
                }

                string? failure;
                try
                {
                    var result = await commands.ExecuteCommandAsync(instance.ResourceId, KnownResourceCommands.StartCommand, stoppingToken);
                    failure = result.Success ? null : result.Message ?? "refused";
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    failure = exception.Message;
                }

                if (failure is null)
                {
                    Log(instance, log => log.Restarted(instance.Resource.Name, restart));
                    return;
                }

                lock (_gate)
                {
                    // Still down (the orchestrator may still be tearing the last run down): wait longer, and keep the
                    // wait cancellable by a start from elsewhere.
                    instance.RestartsInARow++;
                    restart = instance.RestartsInARow;
                    delay = RestartBackoff.For(restart, settings);
                    instance.PendingRestart = wait;
                }

                Log(instance, log => log.RestartFailed(instance.Resource.Name, failure, delay, restart));
            }
        }
        catch (OperationCanceledException)
        {
            // Overtaken by a start from elsewhere, or the application is stopping.
        }
        finally
        {
            lock (_gate)
            {
                if (instance.PendingRestart == wait)
                {
                    instance.PendingRestart = null;
                }
            }

            wait.Dispose();
        }
    }

    private void Log(SupervisedInstance instance, Action<ILogger> write)
    {
        write(logger);
        write(resourceLogs.GetLogger(instance.ResourceId));
    }
}
