namespace StepUp.Core.Policy.Conditions;

/// <summary>Macros and functions: <c>has</c>, <c>size</c>, string functions, <c>matches</c>, <c>ip_in</c>, time and conversions.</summary>
internal sealed partial class ConditionBinder
{
    private static readonly string[] FunctionNames =
        ["has", "size", "startsWith", "endsWith", "contains", "matches", "ip_in", "duration", "timestamp", "now", "int", "double", "string"];

    private static readonly string[] MethodNames = ["size", "startsWith", "endsWith", "contains", "matches"];

    private Bound BindCall(CallSyntax call)
    {
        if (call.Target is null)
        {
            switch (call.Name)
            {
                case "has":
                    return BindHas(call);
                case "size" when Arity(call, 1):
                    return BindSize(call.Args[0], BindValue(call.Args[0]), call.Position);
                case "matches" when Arity(call, 2):
                    return BindMatches(call, BindValue(call.Args[0]), call.Args[1]);
                case "ip_in" when Arity(call, 2):
                    return BindIpIn(call);
                case "duration" when Arity(call, 1):
                    return BindConversion(call, CelType.Duration, static n => new DurationNode(n), TypeKind.String, TypeKind.Duration);
                case "timestamp" when Arity(call, 1):
                    return BindConversion(call, CelType.Timestamp, static n => new TimestampNode(n), TypeKind.String, TypeKind.Int, TypeKind.Timestamp);
                case "int" when Arity(call, 1):
                    return BindConversion(call, CelType.Int, static n => new ConversionNode(Conversion.Int, n),
                        TypeKind.Int, TypeKind.Double, TypeKind.String, TypeKind.Timestamp);
                case "double" when Arity(call, 1):
                    return BindConversion(call, CelType.Double, static n => new ConversionNode(Conversion.Double, n),
                        TypeKind.Int, TypeKind.Double, TypeKind.String);
                case "string" when Arity(call, 1):
                    return BindConversion(call, CelType.String, static n => new ConversionNode(Conversion.String, n),
                        TypeKind.Int, TypeKind.Double, TypeKind.String, TypeKind.Bool, TypeKind.Timestamp, TypeKind.Duration);
                case "now" when Arity(call, 0):
                    return new Bound(CelType.Timestamp, NowNode.Instance);
                case "size" or "matches" or "ip_in" or "duration" or "timestamp" or "int" or "double" or "string" or "now":
                    return Invalid; // wrong number of arguments, reported by Arity
                case "startsWith" or "endsWith" or "contains":
                    BindArguments(call);
                    Error(call.Position, $"'{call.Name}' is a method; call it on a string, e.g. s.{call.Name}(\"...\")");
                    return Invalid;
                default:
                    BindArguments(call);
                    Error(call.Position, $"unknown function '{call.Name}'{Suggest(call.Name, FunctionNames)}");
                    return Invalid;
            }
        }

        switch (call.Name)
        {
            case "size" when Arity(call, 0):
                return BindSize(call.Target, BindValue(call.Target), call.Position);
            case "startsWith" when Arity(call, 1):
                return BindStringPredicate(call, StringPredicate.StartsWith);
            case "endsWith" when Arity(call, 1):
                return BindStringPredicate(call, StringPredicate.EndsWith);
            case "contains" when Arity(call, 1):
                return BindStringPredicate(call, StringPredicate.Contains);
            case "matches" when Arity(call, 1):
                return BindMatches(call, BindValue(call.Target), call.Args[0]);
            case "size" or "startsWith" or "endsWith" or "contains" or "matches":
                Bind(call.Target);
                return Invalid;
            default:
                Bind(call.Target);
                BindArguments(call);
                Error(call.Position, Array.IndexOf(FunctionNames, call.Name) >= 0
                    ? $"'{call.Name}' is not a method; call it as {call.Name}(...)"
                    : $"unknown method '{call.Name}'{Suggest(call.Name, MethodNames)}");
                return Invalid;
        }
    }

    /// <summary>Checks the argument count; on a mismatch binds the arguments anyway (to report their errors) and reports it.</summary>
    private bool Arity(CallSyntax call, int expected)
    {
        if (call.Args.Count == expected)
        {
            return true;
        }

        BindArguments(call);
        var noun = expected == 1 ? "argument" : "arguments";
        Error(call.Position, $"{call.Name}() takes {expected} {noun}, got {call.Args.Count}");
        return false;
    }

    private void BindArguments(CallSyntax call)
    {
        foreach (var argument in call.Args)
        {
            Bind(argument);
        }
    }

    /// <summary><c>has(a.b)</c>: presence of a field or map key, without reading it. The argument must be a field selection.</summary>
    private Bound BindHas(CallSyntax call)
    {
        if (call.Args.Count != 1 || call.Args[0] is not SelectSyntax select)
        {
            BindArguments(call);
            Error(call.Args.Count == 1 ? call.Args[0].Start : call.Position,
                "has() takes one field selection, such as has(context.device_id) or has(resource.attributes.amount)");
            return Invalid;
        }

        var operand = Bind(select.Operand);
        switch (operand.Type.Kind)
        {
            case TypeKind.Error:
                return Invalid;
            case TypeKind.Object when operand.Type.Object == ObjectKind.Lists:
                return TryGetList(select.Field, select.Position, out _) ? new Bound(CelType.Bool, ConstantNode.True) : Invalid;
            case TypeKind.Object:
                if (!TryGetField(operand.Type.Object, select.Field, select.Position, out var binding))
                {
                    return Invalid;
                }

                WarnUnavailableSignal(operand.Type.Object, select.Field, select.Start);
                ReadsGeo |= operand.Type.Object == ObjectKind.Context && select.Field == "geo";
                return new Bound(CelType.Bool, binding.Presence);
            case TypeKind.Map or TypeKind.Dyn:
                if (operand.Path == GeoPath)
                {
                    _geoGuards.Add(select.Field);
                }

                return new Bound(CelType.Bool, new HasFieldNode(operand.Node, select.Field));
            default:
                Error(select.Position, $"has() cannot test a field of type '{operand.Type}'");
                return Invalid;
        }
    }

    private Bound BindSize(Syntax syntax, Bound operand, int position)
    {
        if (operand.Type.Kind == TypeKind.Error)
        {
            return Invalid;
        }

        if (!operand.Type.IsDynamic && operand.Type.Kind is not (TypeKind.String or TypeKind.List or TypeKind.Map))
        {
            Error(syntax.Start, $"size() expects a string, list or map, got {operand.Type}");
            return Invalid;
        }

        return Fold(new Bound(CelType.Int, new SizeNode(operand.Node)), position, operand);
    }

    private Bound BindStringPredicate(CallSyntax call, StringPredicate predicate)
    {
        var receiver = BindValue(call.Target!);
        var argument = BindValue(call.Args[0]);
        var ok = ExpectString(receiver, call.Target!.Start, $"{call.Name}() must be called on a string");
        ok &= ExpectString(argument, call.Args[0].Start, $"{call.Name}() expects a string argument");
        return ok
            ? Fold(new Bound(CelType.Bool, new StringPredicateNode(predicate, receiver.Node, argument.Node)), call.Position, receiver, argument)
            : Invalid;
    }

    private Bound BindMatches(CallSyntax call, Bound receiver, Syntax patternSyntax)
    {
        var pattern = BindValue(patternSyntax);
        var receiverStart = call.Target?.Start ?? call.Args[0].Start;
        var ok = ExpectString(receiver, receiverStart, "matches() must be applied to a string");
        ok &= ExpectString(pattern, patternSyntax.Start, "matches() expects a string pattern");
        if (!ok)
        {
            return Invalid;
        }

        if (pattern.IsConstant && pattern.Constant.Kind == CelKind.String)
        {
            var regex = RegexFactory.TryCreate(pattern.Constant.AsString, out var error);
            if (regex is null)
            {
                Error(patternSyntax.Start, "invalid regular expression: " + error);
                return Invalid;
            }

            return Fold(new Bound(CelType.Bool, new MatchesNode(receiver.Node, regex)), call.Position, receiver);
        }

        return Fold(new Bound(CelType.Bool, new DynamicMatchesNode(receiver.Node, pattern.Node)), call.Position, receiver, pattern);
    }

    private Bound BindIpIn(CallSyntax call)
    {
        var address = BindValue(call.Args[0]);
        var networks = BindValue(call.Args[1]);
        var ok = ExpectString(address, call.Args[0].Start, "ip_in() expects an IP address string as its first argument");
        var networksType = networks.Type;
        if (!networksType.IsDynamic && networksType.Kind != TypeKind.String
            && (networksType.Kind != TypeKind.List || !(networksType.Element!.IsDynamic || networksType.Element.Kind == TypeKind.String)))
        {
            Error(call.Args[1].Start, $"ip_in() expects a list of CIDR strings as its second argument, got {networksType}");
            ok = false;
        }

        if (!ok || networksType.Kind == TypeKind.Error)
        {
            return Invalid;
        }

        if (!networks.IsConstant)
        {
            return new Bound(CelType.Bool, new DynamicIpInNode(address.Node, networks.Node));
        }

        var set = ParseNetworks(call.Args[1], networks);
        return set is null ? Invalid : Fold(new Bound(CelType.Bool, new IpInNode(address.Node, set)), call.Position, address);
    }

    /// <summary>Parses a constant network list at load time; every invalid entry is reported at its own position when it can be.</summary>
    private CidrSet? ParseNetworks(Syntax syntax, Bound networks)
    {
        var value = networks.Constant;
        IReadOnlyList<CelValue> items = value.Kind == CelKind.String ? [value] : value.AsList;
        var literal = syntax as ListSyntax;
        var where = networks.Path is { } path ? " in " + path : string.Empty;
        var parsed = new Cidr[items.Count];
        var ok = true;
        for (var i = 0; i < items.Count; i++)
        {
            var offset = literal is not null && i < literal.Elements.Count ? literal.Elements[i].Start : syntax.Start;
            if (items[i].Kind != CelKind.String)
            {
                Error(offset, $"ip_in(): network {i + 1}{where} must be a CIDR string, not {CelOps.KindName(items[i].Kind)}");
                ok = false;
            }
            else if (!Cidr.TryParse(items[i].AsString, out parsed[i]))
            {
                Error(offset, $"invalid CIDR '{CelOps.Clip(items[i].AsString)}'{where}: expected an address such as 10.0.0.0/8, 2001:db8::/32 or 192.0.2.1");
                ok = false;
            }
        }

        return ok ? new CidrSet(parsed) : null;
    }

    private Bound BindConversion(CallSyntax call, CelType result, Func<EvalNode, EvalNode> create, params ReadOnlySpan<TypeKind> accepted)
    {
        var argument = BindValue(call.Args[0]);
        if (argument.Type.Kind == TypeKind.Error)
        {
            return Invalid;
        }

        if (!argument.Type.IsDynamic && !accepted.Contains(argument.Type.Kind))
        {
            Error(call.Args[0].Start, $"{call.Name}() does not accept {argument.Type}");
            return Invalid;
        }

        // A constant argument is converted now: duration("5x") or timestamp("yesterday") is a load error.
        return Fold(new Bound(result, create(argument.Node)), call.Args[0].Start, argument);
    }

    private bool ExpectString(Bound bound, int offset, string what)
    {
        if (bound.Type.Kind == TypeKind.Error)
        {
            return false;
        }

        if (bound.Type.IsDynamic || bound.Type.Kind == TypeKind.String)
        {
            return true;
        }

        Error(offset, $"{what}, got {bound.Type}");
        return false;
    }
}
