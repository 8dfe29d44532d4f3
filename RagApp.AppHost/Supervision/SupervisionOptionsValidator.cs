using Microsoft.Extensions.Options;

namespace RagApp.AppHost.Supervision;

/// <summary>Refuses, at start-up, supervision settings that would restart in a tight loop or never.</summary>
internal sealed class SupervisionOptionsValidator : IValidateOptions<SupervisionOptions>
{
    private static readonly TimeSpan ShortestBackoff = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, SupervisionOptions options)
    {
        var failures = new List<string>();
        if (options.InitialBackoff < ShortestBackoff || options.InitialBackoff > LongestBackoff)
        {
            failures.Add($"{SupervisionOptions.SectionName}:InitialBackoff must be between {ShortestBackoff} and {LongestBackoff} (was {options.InitialBackoff}).");
        }

        if (options.MaxBackoff < options.InitialBackoff || options.MaxBackoff > LongestBackoff)
        {
            failures.Add($"{SupervisionOptions.SectionName}:MaxBackoff must be between InitialBackoff ({options.InitialBackoff}) and {LongestBackoff} (was {options.MaxBackoff}).");
        }

        if (options.StableAfter < TimeSpan.Zero || options.StableAfter > TimeSpan.FromDays(1))
        {
            failures.Add($"{SupervisionOptions.SectionName}:StableAfter must be between 00:00:00 and 1.00:00:00 (was {options.StableAfter}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
