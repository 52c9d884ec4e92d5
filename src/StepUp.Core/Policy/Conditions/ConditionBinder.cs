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

    private static string Suggest(string name, IEnumerable<string> candidates) => NameSuggestions.DidYouMean(name, candidates);
}
