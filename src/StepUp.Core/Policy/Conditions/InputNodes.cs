using StepUp.Core.Decisions;

namespace StepUp.Core.Policy.Conditions;

// Accessors for the fixed fields of the decision input: each reads its property directly, with no
// name lookup at evaluation. The delegates are static lambdas, created once per process.

internal sealed class InputStringNode(Func<DecisionInput, string?> getter, string missingMessage) : EvalNode
{
    public override CelValue Eval(DecisionInput input) =>
        getter(input) is { } value ? CelValue.FromString(value) : CelValue.Error(missingMessage);
}

internal sealed class InputBoolNode(Func<DecisionInput, bool> getter) : EvalNode
{
    public override CelValue Eval(DecisionInput input) => CelValue.FromBool(getter(input));
}

internal sealed class InputIntNode(Func<DecisionInput, long> getter) : EvalNode
{
    public override CelValue Eval(DecisionInput input) => CelValue.FromInt(getter(input));
}

internal sealed class InputDoubleNode(Func<DecisionInput, double> getter) : EvalNode
{
    public override CelValue Eval(DecisionInput input) => CelValue.FromDouble(getter(input));
}

/// <summary>An always-bound attribute map (empty when the request gave none).</summary>
internal sealed class InputMapNode(Func<DecisionInput, IReadOnlyDictionary<string, CelValue>?> getter) : EvalNode
{
    public override CelValue Eval(DecisionInput input) => CelValue.FromMap(getter(input) ?? DecisionInput.EmptyMap);
}

/// <summary><c>has()</c> of a fixed optional field.</summary>
internal sealed class InputPresenceNode(Func<DecisionInput, bool> isPresent) : EvalNode
{
    public override CelValue Eval(DecisionInput input) => CelValue.FromBool(isPresent(input));
}

internal enum AuthField : byte
{
    Level,
    Amr,
    AuthTime,
}

/// <summary>A field of <c>context.auth</c>, which is itself optional: reading through an absent <c>auth</c> is an error.</summary>
internal sealed class AuthFieldNode(AuthField field) : EvalNode
{
    public const string NoAuth = "no such key: auth";
    private const string NoLevel = "no such key: level";
    private const string NoAmr = "no such key: amr";
    private const string NoAuthTime = "no such key: auth_time";

    public AuthField Field { get; } = field;

    public override CelValue Eval(DecisionInput input)
    {
        var auth = input.Context.Auth;
        if (auth is null)
        {
            return CelValue.Error(NoAuth);
        }

        return Field switch
        {
            AuthField.Level => auth.Level is { } level ? CelValue.FromString(level) : CelValue.Error(NoLevel),
            AuthField.AuthTime => auth.AuthTime is { } time ? CelValue.FromInt(time) : CelValue.Error(NoAuthTime),
            _ => auth.Amr is { } amr ? CelValue.FromList(new StringListView(amr)) : CelValue.Error(NoAmr),
        };
    }

    /// <summary>Reads <c>amr</c> without wrapping it, for the allocation-free <c>x in context.auth.amr</c>.</summary>
    public static IReadOnlyList<string>? ReadAmr(DecisionInput input, out CelValue error)
    {
        var auth = input.Context.Auth;
        error = auth is null ? CelValue.Error(NoAuth) : auth.Amr is null ? CelValue.Error(NoAmr) : default;
        return auth?.Amr;
    }
}

/// <summary><c>has(context.auth.X)</c>: an error when <c>auth</c> itself is absent, as in CEL.</summary>
internal sealed class AuthPresenceNode(AuthField field) : EvalNode
{
    public override CelValue Eval(DecisionInput input)
    {
        var auth = input.Context.Auth;
        if (auth is null)
        {
            return CelValue.Error(AuthFieldNode.NoAuth);
        }

        return CelValue.FromBool(field switch
        {
            AuthField.Level => auth.Level is not null,
            AuthField.AuthTime => auth.AuthTime is not null,
            _ => auth.Amr is not null,
        });
    }
}

internal sealed class NowNode : EvalNode
{
    public static NowNode Instance { get; } = new();

    public override CelValue Eval(DecisionInput input) => CelValue.FromTimestamp(input.Now);
}

/// <summary><c>time.hour</c> (0-23) or <c>time.weekday</c> (0 = Sunday), in UTC, from the evaluation time.</summary>
internal sealed class TimeFieldNode(bool weekday) : EvalNode
{
    public override CelValue Eval(DecisionInput input)
    {
        var utc = input.Now.UtcDateTime;
        return CelValue.FromInt(weekday ? (long)utc.DayOfWeek : utc.Hour);
    }
}

/// <summary>A list of strings seen as a list of CEL values, without copying.</summary>
internal sealed class StringListView(IReadOnlyList<string> items) : IReadOnlyList<CelValue>
{
    public int Count => items.Count;

    public CelValue this[int index] => items[index] is { } s ? CelValue.FromString(s) : CelValue.Null;

    public IEnumerator<CelValue> GetEnumerator()
    {
        for (var i = 0; i < items.Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
