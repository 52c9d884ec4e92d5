namespace StepUp.Core.Policy.Conditions;

/// <summary>Names in scope: top-level names, fields of the fixed namespaces, policy lists, and geo/signal warnings.</summary>
internal sealed partial class ConditionBinder
{
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
                "signal risk.anonymous_ip cannot fire: no Anonymous-IP database configured",
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
}
