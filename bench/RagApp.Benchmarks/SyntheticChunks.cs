using System.Text;

namespace RagApp.Benchmarks;

/// <summary>
/// Chunks made up from a fixed seed: random unit vectors and texts of 30–70 pseudo-words (≈ 300 characters) drawn
/// with a skewed frequency from a fixed vocabulary, so a few words are in most chunks and most words in few.
/// </summary>
internal sealed class SyntheticChunks
{
    private readonly Random _random;
    private readonly int _dimensions;
    private readonly string[] _words;

    public SyntheticChunks(int seed, int dimensions, int vocabulary)
    {
        _random = new Random(seed);
        _dimensions = dimensions;
        _words = [.. Enumerable.Range(0, vocabulary).Select(_ => new string([.. Enumerable.Range(0, 3 + _random.Next(8)).Select(_ => (char)('a' + _random.Next(26)))]))];
    }

    public IReadOnlyList<BenchChunk> Next(int firstNumber, int count) =>
        [.. Enumerable.Range(firstNumber, count).Select(number => new BenchChunk($"synthetic-{number}", $"Synthetic {number}", Text(30 + _random.Next(41)), UnitVector()))];

    public string Question() => $"What is {Text(6)}?";

    private string Text(int words)
    {
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            // Cubing a uniform draw favours the first words of the vocabulary: a long tail, as in real text.
            var word = _words[(int)(Math.Pow(_random.NextDouble(), 3) * _words.Length)];
            text.Append(i == 0 ? "" : " ").Append(word);
        }

        return text.ToString();
    }

    private float[] UnitVector()
    {
        var vector = new float[_dimensions];
        var norm = 0.0;
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(_random.NextDouble() - 0.5);
            norm += vector[i] * vector[i];
        }

        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }

        return vector;
    }
}
