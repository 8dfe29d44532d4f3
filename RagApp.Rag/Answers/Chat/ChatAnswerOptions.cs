using System.ComponentModel.DataAnnotations;

namespace RagApp.Rag.Answers.Chat;

/// <summary>
/// The chat answerer's limits and routing rule, section "Rag:Chat"; bound and validated at start only when the "chat"
/// connection string is set.
/// </summary>
internal sealed class ChatAnswerOptions : IValidatableObject
{
    public const string SectionName = "Rag:Chat";

    /// <summary>The longest a chat answer may take in all; past it the extractive answer is given instead.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The longest the model may take to send its first token; a model that has not started by then is given up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>The longest a follow-up rewrite may take; past it the question is searched as asked.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RewriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The deployment (model) of the fast route; empty: the connection string's FastDeployment or Deployment.</summary>
    public string? FastModel { get; set; }

    /// <summary>The deployment (model) of the strong route; empty: the connection string's StrongDeployment or Deployment.</summary>
    public string? StrongModel { get; set; }

    /// <summary>A question longer than this (in characters) goes to the strong model.</summary>
    [Range(1, 100_000)]
    public int LongQuestionCharacters { get; set; } = 200;

    /// <summary>When the best source scores below this (calibrated 0..1), the evidence is weak and the strong model weighs it.</summary>
    [Range(0.0, 1.0)]
    public double WeakTopScore { get; set; } = 0.4;

    /// <summary>Sources scoring at least this share of the best source's score count as top sources for the spread rule.</summary>
    [Range(0.0, 1.0)]
    public double SpreadScoreRatio { get; set; } = 0.9;

    /// <summary>When the top sources come from at least this many documents, the answer must be put together across them: strong.</summary>
    [Range(2, 20)]
    public int SpreadDocuments { get; set; } = 3;

    /// <summary>Whether a follow-up (a question with earlier turns) goes to the strong model.</summary>
    public bool FollowUpsToStrong { get; set; } = true;

    /// <summary>Earlier turns of the conversation given to the model, most recent last.</summary>
    [Range(0, 50)]
    public int MaxHistoryTurns { get; set; } = 4;

    /// <summary>Most tokens the model may write per answer.</summary>
    [Range(16, 32_768)]
    public int MaxOutputTokens { get; set; } = 600;

    /// <summary>Sampling temperature sent to the model; empty leaves the model's default (some models accept no other).</summary>
    [Range(0.0, 2.0)]
    public float? Temperature { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FirstTokenTimeout > Timeout)
        {
            yield return new ValidationResult(
                $"{nameof(FirstTokenTimeout)} ({FirstTokenTimeout}) must not exceed {nameof(Timeout)} ({Timeout}).",
                [nameof(FirstTokenTimeout), nameof(Timeout)]);
        }
    }
}
