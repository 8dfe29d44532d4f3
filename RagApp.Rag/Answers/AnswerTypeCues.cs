using System.Text.RegularExpressions;

namespace RagApp.Rag.Answers;

/// <summary>
/// Reads the expected answer type off a question and tells whether a sentence holds something of that type which
/// the question does not already say (a sentence that only repeats the question's names answers nothing).
/// </summary>
internal static partial class AnswerTypeCues
{
    public static AnswerType Classify(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var q = question.ToLowerInvariant();
        if (QuantityQuestion().IsMatch(q))
        {
            return AnswerType.Quantity;
        }

        if (TimeQuestion().IsMatch(q))
        {
            return AnswerType.Time;
        }

        if (PersonQuestion().IsMatch(q))
        {
            return AnswerType.Person;
        }

        return PlaceQuestion().IsMatch(q) ? AnswerType.Place : AnswerType.Unknown;
    }

    /// <summary>Whether <paramref name="sentence"/> holds a value of <paramref name="type"/> not found in the question.</summary>
    public static bool HasNewValue(AnswerType type, string sentence, string question)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        ArgumentNullException.ThrowIfNull(question);
        var pattern = type switch
        {
            AnswerType.Quantity => Quantity(),
            AnswerType.Time => Time(),
            AnswerType.Person or AnswerType.Place => ProperName(),
            _ => null,
        };
        if (pattern is null)
        {
            return false;
        }

        foreach (var match in pattern.EnumerateMatches(sentence))
        {
            var value = sentence.AsSpan(match.Index, match.Length);
            // A capitalised first word is only the sentence's start, not a name.
            if (type is AnswerType.Person or AnswerType.Place && match.Index == 0 && !value.Contains(' '))
            {
                continue;
            }

            if (!question.AsSpan().Contains(value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"\bhow (many|much|long|old|far|large|big|tall|high|often)\b|\bwhat (percent|percentage|number|amount|proportion|fraction|size|population)\b")]
    private static partial Regex QuantityQuestion();

    [GeneratedRegex(@"\bwhen\b|\bwhat (year|years|date|day|month|century|decade|time|period|era|age)\b|\bwhich (year|date|century|decade|month)\b|\bin what (year|century|decade|month)\b")]
    private static partial Regex TimeQuestion();

    [GeneratedRegex(@"\bwho\b|\bwhom\b|\bwhose\b|\bwhat (person|man|woman|king|president|author|scientist|composer|leader)\b")]
    private static partial Regex PersonQuestion();

    [GeneratedRegex(@"\bwhere\b|\bwhat (city|country|state|region|place|town|continent|island|river|county|province|location)\b|\bwhich (city|country|state|region|place|town|continent|island|river|county|province)\b")]
    private static partial Regex PlaceQuestion();

    [GeneratedRegex(@"\d[\d,.]*|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Quantity();

    [GeneratedRegex(@"\b(1\d{3}|20\d{2}|\d{1,2}(st|nd|rd|th) century|\d{3,4}s|\d{1,4} (BC|BCE|AD|CE))\b|\b(January|February|March|April|May|June|July|August|September|October|November|December|spring|summer|autumn|winter)\b")]
    private static partial Regex Time();

    [GeneratedRegex(@"\b\p{Lu}[\p{L}'\-]+(\s+(of|de|von|van|the|and|da|del|la|le)?\s*\p{Lu}[\p{L}'\-]+)*")]
    private static partial Regex ProperName();
}
