namespace RagApp.Tests.Retrieval;

/// <summary>
/// A small corpus with one topic per document, written so that each question below has exactly one right document,
/// and the questions (two phrasings per topic) whose answers it holds.
/// </summary>
internal static class QueryCorpus
{
    public sealed record Entry(string DocumentId, string Topic, string Title, string[] Chunks, string[] Questions);

    public static IReadOnlyList<Entry> Documents { get; } =
    [
        new("volcano", "geology", "Volcanoes",
            ["A volcano erupts when molten rock called magma rises through cracks in the Earth's crust. Gas dissolved in the magma expands as pressure drops, and the magma bursts out as lava, ash and volcanic gases.",
             "Famous eruptions include Mount Vesuvius, which buried Pompeii in the year 79, and Krakatoa in 1883."],
            ["What makes a volcano erupt?", "Why does magma burst out of the ground as lava?"]),
        new("sourdough", "cooking", "Baking sourdough bread",
            ["Sourdough bread rises thanks to a starter, a fermented mix of flour and water full of wild yeast and lactic acid bacteria. Feed the starter, mix it into the dough, let it proof overnight and bake it in a hot oven."],
            ["How do I bake sourdough bread?", "What makes sourdough dough rise without commercial yeast?"]),
        new("photosynthesis", "biology", "Photosynthesis",
            ["Plants make their food by photosynthesis: chlorophyll in the leaves captures sunlight, which powers the conversion of carbon dioxide and water into glucose, releasing oxygen."],
            ["How do plants turn sunlight into food?", "Which gas do leaves release when they use light to make glucose?"]),
        new("tides", "astronomy", "Ocean tides",
            ["Ocean tides are caused mainly by the gravitational pull of the Moon on the Earth's oceans, with a smaller contribution from the Sun. Most coasts see two high tides and two low tides every day."],
            ["Why does the sea level rise and fall twice a day?", "How does the moon affect the tides of the ocean?"]),
        new("ownership", "programming", "Ownership in Rust",
            ["In the Rust programming language every value has a single owner. When the owner goes out of scope the value is dropped, and the borrow checker enforces at compile time that references never outlive the data they point to."],
            ["How does Rust manage memory without a garbage collector?", "What does the borrow checker enforce in Rust?"]),
        new("jazz", "music", "The origins of jazz",
            ["Jazz was born in New Orleans in the early twentieth century, blending blues, ragtime and brass band music. Improvisation, swing rhythm and syncopation are its hallmarks; Louis Armstrong was one of its first stars."],
            ["Where did jazz music originate?", "Which city gave birth to jazz with its improvisation and swing?"]),
    ];
}
