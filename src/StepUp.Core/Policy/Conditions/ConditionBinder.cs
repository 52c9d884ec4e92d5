using StepUp.Core.Decisions;

namespace StepUp.Core.Policy.Conditions;

/// <summary>An expression after checking: its static type, its evaluation node and, for a few well-known values, its path.</summary>
internal readonly record struct Bound(CelType Type, EvalNode Node, string? Path = null)
{
    public bool IsConstant => Node is ConstantNode;

    public CelValue Constant => ((ConstantNode)Node).Value;
}

/// <summary>
/// Type-checks the parse tree and turns it into evaluation nodes in one pass: resolves names to
/// accessors, reports every static error with its position, folds constant sub-expressions and
/// picks specialised nodes (hash sets for constant lists, pre-parsed networks and regexes).
/// </summary>
internal sealed partial class ConditionBinder
{
    private const string GeoPath = "context.geo";

    // Folding evaluates pure nodes only; they never read the input.
    private static readonly DecisionInput FoldInput = new() { Subject = new SubjectInput { Id = string.Empty }, Action = string.Empty };
    private static readonly Bound Invalid = new(CelType.Error, new ConstantNode(CelValue.Error("invalid expression")));

    private readonly ConditionScope _scope;
    private readonly DiagnosticBag _diagnostics;
    private readonly Dictionary<string, CelValue> _listValues = new(StringComparer.Ordinal);
    private readonly Dictionary<object, HashSet<string>> _stringSets = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _geoGuards = new(StringComparer.Ordinal);
    private readonly List<(string Key, int Offset)> _geoReads = [];
    private readonly HashSet<string> _signalWarnings = new(StringComparer.Ordinal);

    public ConditionBinder(ConditionScope scope, DiagnosticBag diagnostics)
    {
        _scope = scope;
        _diagnostics = diagnostics;
    }

    /// <summary>True once the condition refers to <c>context.geo</c> (including in <c>has()</c>).</summary>
    public bool ReadsGeo { get; private set; }

    public EvalNode BindCondition(Syntax root)
    {
        var bound = BindValue(root);
        if (!bound.Type.IsDynamic && bound.Type.Kind != TypeKind.Bool)
        {
            Error(root.Start, $"a condition must evaluate to bool, but this expression is {bound.Type}");
        }

        ReportUnguardedGeoReads();
        return bound.Node;
    }

    private Bound Bind(Syntax syntax) => syntax switch
    {
        LiteralSyntax literal => new Bound(CelType.Of(literal.Value.Kind), new ConstantNode(literal.Value)),
        IdentSyntax ident => BindIdent(ident),
        SelectSyntax select => BindSelect(select),
        IndexSyntax index => BindIndex(index),
        CallSyntax call => BindCall(call),
        ListSyntax list => BindList(list),
        UnarySyntax unary => BindUnary(unary),
        BinarySyntax binary => BindBinary(binary),
        LogicalSyntax logical => BindLogical(logical),
        TernarySyntax ternary => BindTernary(ternary),
        _ => Invalid,
    };

    /// <summary>Binds an expression used as a value: a bare namespace such as <c>risk</c> is an error here.</summary>
    private Bound BindValue(Syntax syntax)
    {
        var bound = Bind(syntax);
        if (bound.Type.Kind != TypeKind.Object)
        {
            return bound;
        }

        var kind = bound.Type.Object;
        var name = CelType.ObjectName(kind);
        var fields = kind == ObjectKind.Lists ? string.Join(", ", _scope.Lists.Keys) : string.Join(", ", InputFields.FieldsOf(kind)!.Keys);
        Error(syntax.Start, kind == ObjectKind.Lists
            ? $"'lists' is not a value; name one of the policy's lists, e.g. lists.NAME{(fields.Length > 0 ? " (defined: " + fields + ")" : string.Empty)}"
            : $"'{name}' is not a value; select one of its fields: {fields}");
        return Invalid;
    }

    private Bound BindIdent(IdentSyntax ident)
    {
        switch (ident.Name)
        {
            case "action":
                return new Bound(CelType.String, InputFields.Action);
            case "subject":
                return new Bound(InputFields.TypeOf(ObjectKind.Subject), Invalid.Node);
            case "resource":
                return new Bound(InputFields.TypeOf(ObjectKind.Resource), Invalid.Node);
            case "context":
                return new Bound(InputFields.TypeOf(ObjectKind.Context), Invalid.Node);
            case "risk":
                return new Bound(InputFields.TypeOf(ObjectKind.Risk), Invalid.Node);
            case "lists":
                return new Bound(InputFields.TypeOf(ObjectKind.Lists), Invalid.Node);
            case "time":
                return new Bound(InputFields.TypeOf(ObjectKind.Time), Invalid.Node);
        }

        if (Array.IndexOf(FunctionNames, ident.Name) >= 0)
        {
            Error(ident.Start, $"'{ident.Name}' is a function; call it as {ident.Name}(...)");
        }
        else
        {
            Error(ident.Start, $"unknown name '{ident.Name}'{Suggest(ident.Name, InputFields.TopLevelNames)}; "
                               + "names in scope: subject, action, resource, context, risk, lists, time");
        }

        return Invalid;
    }

    private Bound BindSelect(SelectSyntax select)
    {
        var operand = Bind(select.Operand);
        switch (operand.Type.Kind)
        {
            case TypeKind.Error:
                return Invalid;
            case TypeKind.Object:
                return BindField(operand.Type.Object, select.Field, select.Start, select.Position);
            case TypeKind.Map or TypeKind.Dyn:
                if (operand.Path == GeoPath)
                {
                    _geoReads.Add((select.Field, select.Start));
                }

                return new Bound(operand.Type.Element ?? CelType.Dyn, new MapFieldNode(operand.Node, select.Field));
            default:
                Error(select.Position, $"type '{operand.Type}' has no fields; cannot select '{select.Field}'");
                return Invalid;
        }
    }

    /// <summary>A field of a fixed namespace: <c>risk.score</c>, <c>lists.office_networks</c>, ...</summary>
    private Bound BindField(ObjectKind kind, string field, int start, int fieldPosition)
    {
        if (kind == ObjectKind.Lists)
        {
            return TryGetList(field, fieldPosition, out var list)
                ? new Bound(CelType.ListOfString, new ConstantNode(list), "lists." + field)
                : Invalid;
        }

        if (!TryGetField(kind, field, fieldPosition, out var binding))
        {
            return Invalid;
        }

        WarnUnavailableSignal(kind, field, start);
        if (kind == ObjectKind.Context && field == "geo")
        {
            ReadsGeo = true;
            return new Bound(binding.Type, binding.Value, GeoPath);
        }

        return new Bound(binding.Type, binding.Value);
    }

    private bool TryGetField(ObjectKind kind, string field, int fieldPosition, out FieldBinding binding)
    {
        var fields = InputFields.FieldsOf(kind)!;
        if (fields.TryGetValue(field, out binding!))
        {
            return true;
        }

        var name = CelType.ObjectName(kind);
        Error(fieldPosition, $"unknown field '{field}' of {name}{Suggest(field, fields.Keys)}; {name} has: {string.Join(", ", fields.Keys)}");
        return false;
    }

    private bool TryGetList(string name, int position, out CelValue list)
    {
        if (_listValues.TryGetValue(name, out list))
        {
            return true;
        }

        if (!_scope.Lists.TryGetValue(name, out var strings))
        {
            var defined = _scope.Lists.Count == 0 ? "the policy defines no lists" : "defined lists: " + string.Join(", ", _scope.Lists.Keys);
            Error(position, $"unknown list '{name}'{Suggest(name, _scope.Lists.Keys)}; {defined}");
            return false;
        }

        var items = new CelValue[strings.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = strings[i] is { } s ? CelValue.FromString(s) : CelValue.Null;
        }

        list = CelValue.FromList(items);
        _listValues[name] = list;
        return true;
    }

    private void WarnUnavailableSignal(ObjectKind kind, string field, int start)
    {
        string? warning = (kind, field) switch
        {
            (ObjectKind.Risk, "new_country" or "impossible_travel" or "travel_speed_kmh") when !_scope.GeoAvailable =>
                $"signal risk.{field} cannot fire: no GeoIP database configured",
            (ObjectKind.Risk, "anonymous_ip") when !_scope.AnonymousIpAvailable =>
                "signal risk.anonymous_ip cannot fire: no anonymous-IP GeoIP database configured",
            (ObjectKind.Context, "geo") when !_scope.GeoAvailable =>
                "context.geo is always empty: no GeoIP database configured",
            _ => null,
        };

        if (warning is not null && _signalWarnings.Add(warning))
        {
            _diagnostics.Warning(start, warning);
        }
    }

    private void ReportUnguardedGeoReads()
    {
        var warned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, offset) in _geoReads)
        {
            if (!_geoGuards.Contains(key) && warned.Add(key))
            {
                _diagnostics.Warning(offset,
                    $"reads context.geo.{key} without has(): when GeoIP knows no {key} for the address the read is an error "
                    + $"(a deny or step_up rule then applies); guard it with has(context.geo.{key}) && ...");
            }
        }
    }

    private Bound BindIndex(IndexSyntax index)
    {
        var operand = Bind(index.Operand);
        if (operand.Type.Kind == TypeKind.Object)
        {
            if (index.Index is LiteralSyntax { Value.Kind: CelKind.String } key)
            {
                return BindField(operand.Type.Object, key.Value.AsString, index.Operand.Start, index.Index.Start);
            }

            var name = CelType.ObjectName(operand.Type.Object);
            Error(index.Position, $"'{name}' can only be indexed with a string literal, e.g. {name}[\"field\"]");
            Bind(index.Index);
            return Invalid;
        }

        var key2 = BindValue(index.Index);
        if (operand.Type.Kind == TypeKind.Error || key2.Type.Kind == TypeKind.Error)
        {
            return Invalid;
        }

        CelType result;
        switch (operand.Type.Kind)
        {
            case TypeKind.List:
                if (!key2.Type.IsDynamic && !key2.Type.IsNumeric)
                {
                    Error(index.Index.Start, $"a list index must be an int, got {key2.Type}");
                    return Invalid;
                }

                result = operand.Type.Element!;
                break;
            case TypeKind.Map:
                if (!key2.Type.IsDynamic && key2.Type.Kind != TypeKind.String)
                {
                    Error(index.Index.Start, $"map keys are strings, got {key2.Type}");
                    return Invalid;
                }

                result = CelType.Dyn;
                break;
            case TypeKind.Dyn:
                result = CelType.Dyn;
                break;
            default:
                Error(index.Position, $"type '{operand.Type}' cannot be indexed");
                return Invalid;
        }

        if (key2.IsConstant && key2.Constant.Kind == CelKind.String && operand.Type.Kind != TypeKind.List)
        {
            if (operand.Path == GeoPath)
            {
                _geoReads.Add((key2.Constant.AsString, index.Start));
            }

            return new Bound(result, new MapFieldNode(operand.Node, key2.Constant.AsString));
        }

        return Fold(new Bound(result, new IndexNode(operand.Node, key2.Node)), index.Position, operand, key2);
    }

    private Bound BindList(ListSyntax list)
    {
        var elements = new Bound[list.Elements.Count];
        CelType? elementType = null;
        var allConstant = true;
        var invalid = false;
        for (var i = 0; i < elements.Length; i++)
        {
            elements[i] = BindValue(list.Elements[i]);
            elementType = elementType is null ? elements[i].Type : CelType.Join(elementType, elements[i].Type);
            allConstant &= elements[i].IsConstant;
            invalid |= elements[i].Type.Kind == TypeKind.Error;
        }

        if (invalid)
        {
            return Invalid;
        }

        var type = CelType.ListOf(elementType ?? CelType.Dyn);
        if (allConstant)
        {
            var values = new CelValue[elements.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = elements[i].Constant;
            }

            return new Bound(type, new ConstantNode(CelValue.FromList(values)));
        }

        var nodes = new EvalNode[elements.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = elements[i].Node;
        }

        return new Bound(type, new ListNode(nodes));
    }

    /// <summary>Evaluates a pure node whose operands are all constants once, now; a constant that fails is a load error.</summary>
    private Bound Fold(Bound result, int offset, params ReadOnlySpan<Bound> operands)
    {
        if (operands.IsEmpty || result.Type.Kind == TypeKind.Error)
        {
            return result;
        }

        foreach (var operand in operands)
        {
            if (!operand.IsConstant || operand.Constant.IsError)
            {
                return result;
            }
        }

        var value = result.Node.Eval(FoldInput);
        if (value.IsError)
        {
            Error(offset, value.ErrorMessage);
            return Invalid;
        }

        return result with { Node = new ConstantNode(value) };
    }

    private void Error(int offset, string message) => _diagnostics.Error(offset, message);

    /// <summary>" (did you mean 'subject'?)" when a known name is within a small edit distance.</summary>
    private static string Suggest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(name, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var limit = Math.Max(1, Math.Min(3, name.Length / 3));
        return best is not null && bestDistance <= limit ? $" (did you mean '{best}'?)" : string.Empty;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
