using System.ComponentModel.DataAnnotations;
using RagApp.Rag.Index.Search;
using RagApp.Rag.Retrieval;

namespace RagApp.Tests.Retrieval;

/// <summary>Rag:Retrieval: the defaults are the adaptive fusion's, and out-of-range fusion settings are refused.</summary>
public sealed class RetrievalOptionsTests
{
    [Fact]
    public void Defaults_AreTheAdaptiveFusionsTunedSettings()
    {
        var options = new RetrievalOptions().ToSearchOptions();

        Assert.Equal(SearchOptions.Default, options);
        Assert.Equal(FusionMethod.Adaptive, options.Fusion);
        Assert.Equal((0.8, 0.0, 3, 1.0, 0.0), (options.DenseWeight, options.ConfidenceExponent, options.FeedbackDocuments, options.FeedbackWeight, options.FeedbackTemperature));
        Assert.True(IsValid(new RetrievalOptions(), out _));
    }

    [Theory]
    [InlineData(nameof(RetrievalOptions.ConfidenceExponent), -1.0)]
    [InlineData(nameof(RetrievalOptions.ConfidenceExponent), 10.5)]
    [InlineData(nameof(RetrievalOptions.FeedbackDocuments), -1.0)]
    [InlineData(nameof(RetrievalOptions.FeedbackDocuments), 101.0)]
    [InlineData(nameof(RetrievalOptions.FeedbackWeight), -0.1)]
    [InlineData(nameof(RetrievalOptions.FeedbackWeight), 10.5)]
    [InlineData(nameof(RetrievalOptions.FeedbackTemperature), -0.1)]
    [InlineData(nameof(RetrievalOptions.FeedbackTemperature), 100.5)]
    [InlineData(nameof(RetrievalOptions.DenseWeight), 1.1)]
    public void OutOfRange_IsRefused_NamingTheSetting(string setting, double value)
    {
        var options = new RetrievalOptions();
        var property = typeof(RetrievalOptions).GetProperty(setting)!;
        property.SetValue(options, property.PropertyType == typeof(int) ? (object)(int)value : value);

        Assert.False(IsValid(options, out var results));
        Assert.Contains(setting, Assert.Single(results).MemberNames);
    }

    private static bool IsValid(RetrievalOptions options, out List<ValidationResult> results)
    {
        results = [];
        return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
    }
}
