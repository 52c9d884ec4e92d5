using System.Security.Cryptography;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Reports;
using StepUp.Core.Security;

namespace StepUp.Core.Tests.Reports;

public sealed class ReportsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Collect_CountsOnlyTheWindow_AndMatchesChallengesToStepUps()
    {
        var events = new List<AuditEvent>
        {
            Event(1, -1, AuditEventTypes.DecisionEvaluated, Decision("step_up", "ch_0")),
            Event(2, 0, AuditEventTypes.DecisionEvaluated, Decision("step_up", "ch_1")),
            Event(3, 1, AuditEventTypes.DecisionEvaluated, Decision("step_up", "ch_2")),
            Event(4, 2, AuditEventTypes.ChallengeVerified, new JsonObject { ["challenge"] = new JsonObject { ["id"] = "ch_1" } }),
            Event(5, 3, AuditEventTypes.DecisionEvaluated, new JsonObject { ["decision"] = new JsonObject { ["effect"] = "allow", ["policy_effect"] = "step_up", ["elevation_id"] = "el" } }),
            Event(6, 4, AuditEventTypes.AlertDelivery, new JsonObject { ["outcome"] = "failure" }),
            Event(7, 5, AuditEventTypes.PolicyLoaded, new JsonObject { ["policy_version"] = "v2", ["policy"] = new JsonObject { ["previous_version"] = "v1" } }),
            Event(8, 10, AuditEventTypes.SubjectLocked, []),
        };

        var evidence = ComplianceEvidence.Collect(events, Start, Start.AddHours(10));

        Assert.Equal(3, evidence.Decisions);
        Assert.Equal(3, evidence.StepUpRequired);
        Assert.Equal(2, evidence.StepUpSatisfied);
        Assert.Equal(1, evidence.StepUpUnsatisfied);
        Assert.Equal(1, evidence.AlertDeliveriesFailed);
        Assert.Equal(0, evidence.Lockouts);
        Assert.Equal(new PolicyChange(7, Start.AddHours(5), AuditEventTypes.PolicyLoaded, "v2", "v1"), Assert.Single(evidence.PolicyChanges));
        Assert.Equal(6, evidence.EventsInWindow);
    }

    [Fact]
    public void Builder_MatchesAVerificationBeforeTheDecision_AndIgnoresErasedDecisions()
    {
        var builder = new ComplianceEvidenceBuilder(Start, Start.AddHours(10));
        builder.Add(Event(1, 0, AuditEventTypes.ChallengeVerified, new JsonObject { ["challenge"] = new JsonObject { ["id"] = "ch_1" } }));
        builder.Add(Event(2, 1, AuditEventTypes.DecisionEvaluated, Decision("step_up", "ch_1")));
        builder.Add(Event(3, 2, AuditEventTypes.DecisionEvaluated, Decision("step_up", "ch_1")));
        builder.Add(Erased(Event(4, 3, AuditEventTypes.DecisionEvaluated, Decision("step_up", "ch_1"))));

        var evidence = builder.Build();

        Assert.Equal((3L, 2L, 2L, 0L), (evidence.Decisions, evidence.StepUpRequired, evidence.StepUpSatisfied, evidence.StepUpUnsatisfied));
    }

    [Fact]
    public void Builder_BeyondTheOpenChallengeCap_DropsTheOldest_AndSaysSo()
    {
        var builder = new ComplianceEvidenceBuilder(Start, Start.AddHours(10));
        for (var i = 0; i <= ComplianceEvidenceBuilder.MaxOpenChallenges; i++)
        {
            builder.Add(Event(i + 1, 1, AuditEventTypes.DecisionEvaluated, Decision("step_up", $"ch_{i}")));
        }

        builder.Add(Event(200_000, 2, AuditEventTypes.ChallengeVerified, new JsonObject { ["challenge"] = new JsonObject { ["id"] = "ch_0" } }));
        builder.Add(Event(200_001, 2, AuditEventTypes.ChallengeVerified, new JsonObject { ["challenge"] = new JsonObject { ["id"] = "ch_1" } }));

        var evidence = builder.Build();

        Assert.Equal(ComplianceEvidenceBuilder.MaxOpenChallenges + 1, evidence.StepUpRequired);
        Assert.Equal(1, evidence.StepUpSatisfied);
        Assert.Equal(1, evidence.StepUpUntracked);
    }

    [Fact]
    public void Builder_ListsTheFirstPolicyChanges_AndCountsThemAll()
    {
        var builder = new ComplianceEvidenceBuilder(Start, Start.AddHours(10));
        for (var i = 1; i <= ComplianceEvidenceBuilder.MaxPolicyChanges + 2; i++)
        {
            builder.Add(Event(i, 1, i % 2 == 0 ? AuditEventTypes.PolicyRejected : AuditEventTypes.PolicyLoaded, new JsonObject { ["policy_version"] = $"v{i}" }));
        }

        var evidence = builder.Build();
        var html = Soc2Report.Render(Input(evidence, "stepup.db", ok: true));

        Assert.Equal(ComplianceEvidenceBuilder.MaxPolicyChanges, evidence.PolicyChanges.Count);
        Assert.Equal("v1", evidence.PolicyChanges[0].Version);
        Assert.Equal((501L, 501L), (evidence.PoliciesLoaded, evidence.PoliciesRejected));
        Assert.Contains("id=\"policy-loaded\">501<", html, StringComparison.Ordinal);
        Assert.Contains("id=\"policy-history-unlisted\">2<", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_HoldsAtMostItsSize_AndDrawsEveryEventAlike()
    {
        var population = Enumerable.Range(1, 50).Select(i => Event(i, i, AuditEventTypes.DecisionEvaluated, [])).ToList();
        var drawn = new int[51];

        for (var seed = 0; seed < 2000; seed++)
        {
            var sample = new EvidenceSample(seed);
            population.ForEach(sample.Add);
            var events = sample.ToList();
            Assert.Equal(50, sample.Population);
            Assert.Equal(EvidenceSample.DefaultSize, events.Select(e => e.Seq).Distinct().Count());
            foreach (var evt in events)
            {
                drawn[evt.Seq]++;
            }
        }

        // Each event is expected 2000 * 10 / 50 = 400 times; a skewed draw would leave some far off.
        Assert.All(drawn.Skip(1), count => Assert.InRange(count, 320, 480));
    }

    [Fact]
    public void Draw_IsReproducibleFromTheSeed_AndInSeqOrder()
    {
        var population = Enumerable.Range(1, 50).Select(i => Event(i, i, AuditEventTypes.DecisionEvaluated, [])).ToList();

        var first = EvidenceSample.Draw(population, 1234);
        var again = EvidenceSample.Draw(population, 1234);

        Assert.Equal(10, first.Count);
        Assert.Equal(first.Select(e => e.Seq), again.Select(e => e.Seq));
        Assert.Equal(first.Select(e => e.Seq).Order(), first.Select(e => e.Seq));
        Assert.Equal(3, EvidenceSample.Draw(population.Take(3).ToList(), 1).Count);
    }

    [Fact]
    public void Render_EncodesEveryValue_AndHasNoScript()
    {
        var html = Render("<script>alert(1)</script>", ok: false);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("id=\"cc6-1-status\">FAILED<", html, StringComparison.Ordinal);
        Assert.Contains(ReportSignature.EmptySlot, html, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SignedReport_IsOk_AndAnyEdit_Fails()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = EcPublicJwk.FromKey("audit-k", key);
        var signed = ReportSignature.Sign(Render("stepup.db", ok: true), "audit-k", key);

        var intact = ReportSignature.Verify(signed, [jwk]);
        var edited = ReportSignature.Verify(signed.Replace("stepup.db", "stepup.dc", StringComparison.Ordinal), [jwk]);
        var unsigned = ReportSignature.Verify(Render("stepup.db", ok: true), [jwk]);

        Assert.True(intact.Ok, intact.Reason);
        Assert.Equal("audit-k", intact.Kid);
        Assert.False(edited.Ok);
        Assert.Contains("edited after it was signed", edited.Reason, StringComparison.Ordinal);
        Assert.False(unsigned.Ok);
    }

    private static string Render(string source, bool ok) => Soc2Report.Render(Input(ComplianceEvidence.Collect([], Start, Start.AddDays(1)), source, ok));

    private static Soc2ReportInput Input(ComplianceEvidence evidence, string source, bool ok) => new()
    {
        From = Start,
        To = Start.AddDays(1),
        GeneratedAt = Start.AddDays(1),
        Evidence = evidence,
        Chain = new AuditVerification(ok, 3, 3, ok ? null : 2, ok ? null : AuditVerificationReasons.PayloadDigestMismatch),
        Seed = 1,
        Sample = [],
        Kid = "audit-k",
        Source = source,
    };

    private static AuditEvent Erased(AuditEvent evt) => new()
    {
        Seq = evt.Seq,
        Id = evt.Id,
        Time = evt.Time,
        Type = evt.Type,
        PrevHash = evt.PrevHash,
        PayloadDigest = evt.PayloadDigest,
        Hash = evt.Hash,
        Erased = true,
    };

    private static JsonObject Decision(string effect, string challenge) =>
        new() { ["decision"] = new JsonObject { ["effect"] = effect }, ["challenge"] = new JsonObject { ["id"] = challenge } };

    private static AuditEvent Event(long seq, int hour, string type, JsonObject payload) => new()
    {
        Seq = seq,
        Id = "id" + seq,
        Time = Start.AddHours(hour),
        Type = type,
        PrevHash = new string('0', 64),
        PayloadDigest = new string('1', 64),
        Hash = new string('2', 64),
        Payload = payload,
    };
}
