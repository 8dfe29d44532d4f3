using Microsoft.Extensions.DependencyInjection;
using RagApp.Rag.Answers;
using RagApp.Tests.Index;
using RagApp.Tests.Queue;
using StackExchange.Redis;

namespace RagApp.Tests.Sessions;

/// <summary>
/// RagApp.Rag hosted once for the class with the query side, the real MiniLM model, sessions in an in-process Garnet
/// (at most <see cref="MaxTurns"/> turns, <see cref="Expiry"/>), and the extractive answerer wrapped in a
/// <see cref="RecordingAnswerer"/>, over an index that holds <see cref="SessionCorpus"/>.
/// </summary>
public sealed class SessionQueryFixture : IAsyncLifetime
{
    public const int MaxTurns = 3;

    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(10);

    private readonly TestDirectory _directory = new();

    public GarnetQueueServerFixture Garnet { get; } = new();

    public IDatabase Redis => Garnet.Redis.GetDatabase();

    internal IndexServiceHost Host { get; private set; } = null!;

    internal RecordingAnswerer Answerer => (RecordingAnswerer)Host.Services.GetRequiredService<IAnswerer>();

    public async ValueTask InitializeAsync()
    {
        await Garnet.InitializeAsync();
        Host = await IndexServiceHost.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = Garnet.PatientConnectionString,
            ["Rag:Sessions:MaxTurns"] = MaxTurns.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rag:Sessions:Expiry"] = Expiry.ToString(),
            // A busy 2-core machine can stall Garnet past the 2 s default; these tests are not about timeouts.
            ["Rag:Sessions:Timeout"] = "00:00:30",
        }, withQueries: true, configure: builder =>
            builder.Services.AddSingleton<IAnswerer>(services => new RecordingAnswerer(services.GetRequiredService<ExtractiveAnswerer>())));
        await SessionCorpus.IndexAsync(Host, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Garnet.DisposeAsync();
        _directory.Dispose();
    }
}
