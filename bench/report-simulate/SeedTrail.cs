#:project ../../src/StepUp.Storage/StepUp.Storage.csproj
#:property PublishAot=false

// Seeds a SQLite audit trail as the server writes it, for `stepup report soc2` and `stepup policy
// simulate` at scale (issue 8): N decision.evaluated events (default 1,000,000; 1,000 subjects over
// October 2026) decided with examples/policy.yaml, each with its `input`, risk values and policy
// version, plus what follows a step-up (challenge created, verified or failed, elevation used,
// lockouts), a few alerts, factor and key events, and a signed checkpoint every 10,000 events. The
// database gets an active audit signing key sealed with stepup.key beside it, as the server leaves it.
// The loop is the one of bench/audit-query (group-commit writer, 500-event batches, a hand-moved
// clock), with server-shaped payloads: that bench's decisions carry no `input`, so a simulation
// would skip them all. Usage: dotnet run -c Release bench/report-simulate/SeedTrail.cs -- [decisions] [path]
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;
using StepUp.Core.Security;
using StepUp.Storage.Keys;
using StepUp.Storage.Sqlite;

var decisions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
// Its own directory: the secrets key is written beside the database as stepup.key.
var path = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "stepup-report-bench", $"trail-{decisions}.db");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
if (File.Exists(path))
{
    Console.WriteLine($"{path} exists: delete it to seed again");
    return;
}

const int Subjects = 1000;
const int Batch = 500;
const int CheckpointEvery = 10_000;
var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
var span = TimeSpan.FromDays(30);
var clock = new BenchClock(start);
var policy = PolicyLoader.LoadFile(Path.Combine(Here(), "..", "..", "examples", "policy.yaml")).Policy!;
var database = SqliteDatabase.Open($"Data Source={path}", clock);

using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
var kid = SigningKeyPurposes.Kid(SigningKeyPurposes.Audit, EcPublicJwk.FromKey("-", key));
using (var box = new SecretBox(SecretsKeyFile.LoadOrCreate(SecretsKeyFile.PathBeside(database)!, out _)))
{
    await new SqliteSigningKeyStore(database, clock).TryAddActiveAsync(new SigningKeyRecord
    {
        Kid = kid,
        Purpose = SigningKeyPurposes.Audit,
        PublicKey = EcPublicJwk.FromKey(kid, key),
        SealedPrivateKey = box.Seal(key.ExportPkcs8PrivateKey(), SigningKeyRecord.AssociatedData(kid)),
        CreatedAt = start,
    });
}

var random = new Random(42);
var watch = Stopwatch.StartNew();
var step = span / decisions * Batch;
var pending = new List<AuditEventDraft>();   // what the users do after a step-up, written with the next batch
long written = 0, sinceCheckpoint = 0, challenges = 0;
await using (var appender = new SqliteAuditAppender(database, clock))
{
    await appender.AppendAsync(Other(AuditEventTypes.PolicyLoaded, new JsonObject { ["policy_version"] = policy.Version, ["policy"] = new JsonObject { ["previous_version"] = null } }));
    for (var done = 0; done < decisions; done += Batch)
    {
        var drafts = new List<AuditEventDraft>(Batch * 2);
        drafts.AddRange(pending);
        pending.Clear();
        for (var i = 0; i < Math.Min(Batch, decisions - done); i++)
        {
            Decide(done + i, drafts);
        }

        if (random.Next(50) == 0)
        {
            drafts.Add(Other(AuditEventTypes.AlertRaised, new JsonObject { ["alert"] = new JsonObject { ["rule"] = "failure-burst" } }));
            drafts.Add(Other(AuditEventTypes.AlertDelivery, [], random.Next(10) == 0 ? "failure" : "success"));
        }

        if (random.Next(100) == 0)
        {
            drafts.Add(Other(random.Next(4) == 0 ? AuditEventTypes.FactorRemoved : AuditEventTypes.FactorEnrolled, new JsonObject { ["factor"] = new JsonObject { ["type"] = "totp" } }));
        }

        var appended = await appender.AppendAsync(drafts);
        written += appended.Count;
        sinceCheckpoint += appended.Count;
        if (sinceCheckpoint >= CheckpointEvery)
        {
            var last = appended[^1];
            var statement = new AuditCheckpoint(last.Seq, last.Hash, last.Time);
            await appender.AppendAsync(new AuditEventDraft { Type = AuditEventTypes.AuditCheckpoint, Payload = statement.ToEventPayload(CheckpointJws.Sign(statement, kid, key)) });
            written++;
            sinceCheckpoint = 0;
        }

        clock.Advance(step);
        if (done % 100_000 == 0 && done > 0)
        {
            Console.Error.WriteLine($"seeded {done:N0} decisions, {written:N0} events ({watch.Elapsed.TotalSeconds:F0} s)");
        }
    }

    written += (await appender.AppendAsync(pending)).Count;
}

Console.WriteLine($"seeded {decisions:N0} decisions ({challenges:N0} challenges), {written:N0} events in {watch.Elapsed.TotalSeconds:F1} s into {path}");

// One decision as DecisionService audits it, and what the user does next.
void Decide(int n, List<AuditEventDraft> drafts)
{
    var subject = "user-" + random.Next(Subjects).ToString(CultureInfo.InvariantCulture);
    var office = random.Next(5) == 0;
    var risk = random.Next(30) == 0
        ? new RiskSignals { NewDevice = true, Score = 40, Level = "medium" }
        : new RiskSignals { Score = random.Next(60) };
    var request = Request(n, subject, office, random.Next(100));
    var input = new DecisionInput { Subject = request.Subject, Action = request.Action, Resource = request.Resource, Context = request.Context, Risk = risk, Now = clock.GetUtcNow() };
    var evaluation = PolicyEngine.Evaluate(policy, input);
    var id = EventId.New(clock);
    var effect = evaluation.Effect switch { RuleEffect.Allow => "allow", RuleEffect.Deny => "deny", _ => "step_up" };
    string? challenge = null, elevation = null;
    var decision = new JsonObject { ["rules"] = new JsonArray([.. evaluation.AppliedRuleIds.Select(r => (JsonNode?)r)]) };
    if (evaluation.Effect == RuleEffect.StepUp)
    {
        decision["policy_effect"] = "step_up";
        decision["level"] = evaluation.Level.ToName();
        decision["methods"] = new JsonArray([.. evaluation.Methods.ToNames().Select(m => (JsonNode?)m)]);
        decision["max_age"] = (long)evaluation.MaxAge.TotalSeconds;
        if (random.Next(10) == 0)
        {
            effect = "allow";
            elevation = "el_" + n.ToString(CultureInfo.InvariantCulture);
            decision["elevation_id"] = elevation;
        }
        else
        {
            challenge = "ch_" + n.ToString(CultureInfo.InvariantCulture);
        }
    }

    decision["effect"] = effect;
    decision["reasons"] = new JsonArray([.. evaluation.Reasons.Select(r => (JsonNode?)r)]);
    var payload = new JsonObject
    {
        ["outcome"] = effect,
        ["severity"] = effect == "deny" ? "medium" : "info",
        ["app"] = "payments-api",
        ["subject"] = new JsonObject { ["id"] = subject, ["session_id"] = request.Subject.SessionId },
        ["action"] = request.Action,
        ["resource"] = new JsonObject { ["type"] = request.Resource!.Type, ["id"] = request.Resource.Id },
        ["context"] = new JsonObject { ["ip"] = request.Context.Ip, ["user_agent"] = request.Context.UserAgent },
    };
    if (challenge is not null)
    {
        payload["challenge"] = new JsonObject { ["id"] = challenge };
    }

    payload["decision"] = decision;
    payload["risk"] = new JsonObject
    {
        ["score"] = risk.Score, ["level"] = risk.Level, ["signals"] = new JsonArray([.. risk.Fired.Select(s => (JsonNode?)s)]),
        ["new_device"] = risk.NewDevice, ["new_country"] = false, ["new_ip"] = false, ["impossible_travel"] = false,
        ["travel_speed_kmh"] = 0, ["failures_1h"] = 0, ["ip_failures_1h"] = 0, ["anonymous_ip"] = false,
    };
    payload["input"] = DecisionInputJson.ToJson(request);
    payload["policy_version"] = policy.Version;
    drafts.Add(new AuditEventDraft { Type = AuditEventTypes.DecisionEvaluated, Id = id, Payload = payload });

    if (elevation is not null)
    {
        drafts.Add(Other(AuditEventTypes.ElevationUsed, new JsonObject { ["elevation"] = new JsonObject { ["id"] = elevation } }));
    }

    if (challenge is null)
    {
        return;
    }

    challenges++;
    drafts.Add(Other(AuditEventTypes.ChallengeCreated, new JsonObject { ["challenge"] = new JsonObject { ["id"] = challenge, ["decision_id"] = id } }));
    // 80% verified (1 in 8 of those after a wrong code), 5% three wrong codes and a lockout, the rest abandoned.
    var next = random.Next(100);
    if (next < 80)
    {
        if (next % 8 == 0)
        {
            pending.Add(Other(AuditEventTypes.ChallengeFailed, new JsonObject { ["challenge"] = new JsonObject { ["id"] = challenge }, ["reason"] = "invalid_code" }, "failure"));
        }

        pending.Add(Other(AuditEventTypes.ChallengeVerified, new JsonObject { ["challenge"] = new JsonObject { ["id"] = challenge } }));
    }
    else if (next < 85)
    {
        for (var f = 0; f < 3; f++)
        {
            pending.Add(Other(AuditEventTypes.ChallengeFailed, new JsonObject { ["challenge"] = new JsonObject { ["id"] = challenge }, ["reason"] = "invalid_code" }, "failure"));
        }

        pending.Add(Other(AuditEventTypes.SubjectLocked, new JsonObject { ["reason"] = "consecutive_failures" }, "failure"));
    }
}

DecisionInput Request(int n, string subject, bool office, int kind)
{
    var context = new ContextInput
    {
        Ip = office ? "198.51.100." + random.Next(256).ToString(CultureInfo.InvariantCulture) : "81.2.69." + random.Next(256).ToString(CultureInfo.InvariantCulture),
        UserAgent = "Mozilla/5.0 (X11; Linux x86_64)",
    };
    var user = new SubjectInput
    {
        Id = subject,
        SessionId = "s-" + random.Next(100_000).ToString(CultureInfo.InvariantCulture),
        Attributes = new Dictionary<string, CelValue> { ["role"] = CelValue.FromString(random.Next(50) == 0 ? "admin" : "customer") },
    };
    var resourceId = "r-" + n.ToString(CultureInfo.InvariantCulture);
    (string action, ResourceInput resource) = kind switch
    {
        < 60 => ("payments.transfer", new ResourceInput
        {
            Type = "transfer",
            Id = resourceId,
            Attributes = new Dictionary<string, CelValue>
            {
                ["amount"] = CelValue.FromDouble(random.Next(20) == 0 ? 10_000 + random.Next(50_000) : random.Next(1_500)),
                ["currency"] = CelValue.FromString(random.Next(25) == 0 ? "CHF" : "EUR"),
            },
        }),
        < 65 => ("payments.payees.add", new ResourceInput { Type = "payee", Id = resourceId }),
        < 85 => ("records.read", new ResourceInput
        {
            Type = "record",
            Id = resourceId,
            Attributes = new Dictionary<string, CelValue> { ["classification"] = CelValue.FromString(random.Next(20) == 0 ? "restricted" : "internal") },
        }),
        < 90 => ("data.export.csv", new ResourceInput { Type = "export", Id = resourceId }),
        _ => ("accounts.view", new ResourceInput { Type = "account", Id = resourceId }),
    };
    return new DecisionInput { Subject = user, Action = action, Resource = resource, Context = context };
}

static AuditEventDraft Other(string type, JsonObject payload, string outcome = "success")
{
    payload["outcome"] = outcome;
    payload["app"] = "payments-api";
    return new AuditEventDraft { Type = type, Payload = payload };
}

static string Here([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;

/// <summary>A clock the seeding moves forward by hand, so events spread over 30 days.</summary>
internal sealed class BenchClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
