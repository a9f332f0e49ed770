using Scriban.Syntax;

namespace Newsletter.Templates;

/// <summary>
/// Whether a template uses its holes (<see cref="FrameHoles"/>) only in ways a frame keeps: written out as they are or
/// through <c>html.escape</c>, or tested for being set (an <c>if</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, or a
/// comparison with <c>""</c> or <c>null</c>), and a list of them only looped over or counted. Anything else (a filter
/// that changes a value, a comparison with a given text, an assignment, a capture, an include) and the template is
/// rendered per model.
/// </summary>
internal static class FrameCheck
{
    public static bool CanSplit(ScriptPage page, FrameHoles holes) => Nodes(page).All(node => Allowed(node, holes));

    private static IEnumerable<ScriptNode> Nodes(ScriptNode node)
    {
        yield return node;
        foreach (var child in node.Children)
        {
            if (child is null) continue;
            foreach (var inner in Nodes(child)) yield return inner;
        }
    }

    private static bool Allowed(ScriptNode node, FrameHoles holes)
    {
        // What could copy a hole's value where no marker shows it, or reach templates this check does not see.
        if (node is ScriptCaptureStatement or ScriptAssignExpression or ScriptFunction or ScriptWithStatement or ScriptImportStatement) return false;
        if (node is ScriptFunctionCall { Target: ScriptVariable { Name: "include" or "include_join" } }) return false;
        if (node is not ScriptVariable variable || node.Parent is ScriptMemberExpression member && ReferenceEquals(member.Member, node)) return true;
        if (node.Parent is ScriptForStatement loop && ReferenceEquals(loop.Variable, node)) return true;
        if (holes.Globals.Contains(variable.Name)) return Placed(variable);
        if (holes.Lists.ContainsKey(variable.Name)) return Iterated(variable);
        if (LoopOver(variable, holes) is not { } list) return true;
        // An item of a list of holes: only its members, holes placed, the rest freely.
        if (variable.Parent is not ScriptMemberExpression { Member: { } name } item || !ReferenceEquals(item.Target, variable)) return false;
        return list.Holes.Contains(name.Name) ? Placed(item) : list.Shape.Contains(name.Name);
    }

    /// <summary>The list of holes the loop that names <paramref name="variable"/> goes over, if any.</summary>
    private static FrameHoles.ListHoles? LoopOver(ScriptVariable variable, FrameHoles holes)
    {
        for (var node = variable.Parent; node is not null; node = node.Parent)
        {
            if (node is ScriptForStatement { Variable: ScriptVariable loopVariable } loop && loopVariable.Name == variable.Name)
                return loop.Iterator is ScriptVariable list && holes.Lists.TryGetValue(list.Name, out var found) ? found : null;
        }
        return null;
    }

    // A list of holes: looped over, or counted with array.size.
    private static bool Iterated(ScriptVariable list)
    {
        if (list.Parent is ScriptForStatement loop && ReferenceEquals(loop.Iterator, list)) return true;
        var (parent, child) = Up(list);
        return parent is ScriptPipeCall pipe && ReferenceEquals(pipe.From, child) && IsFunction(pipe.To, "array", "size");
    }

    // A hole written out (as it is or escaped) or tested for being set.
    private static bool Placed(ScriptExpression hole)
    {
        var (parent, child) = Up(hole);
        if (parent is ScriptExpressionStatement) return true;
        if (parent is ScriptPipeCall pipe && ReferenceEquals(pipe.From, child) && IsFunction(pipe.To, "html", "escape"))
            return Up(pipe).Parent is ScriptExpressionStatement;
        if (parent is ScriptBinaryExpression { Operator: ScriptBinaryOperator.CompareEqual or ScriptBinaryOperator.CompareNotEqual } compare)
            return (ReferenceEquals(compare.Left, child) ? compare.Right : compare.Left) is ScriptLiteral { Value: null or "" };
        return Tested(child);
    }

    // Whether the value of the expression decides only a condition (so only whether it is set matters).
    private static bool Tested(ScriptNode expression)
    {
        var (parent, child) = Up(expression);
        return parent switch
        {
            ScriptIfStatement test => ReferenceEquals(test.Condition, child),
            ScriptConditionalExpression choice => ReferenceEquals(choice.Condition, child),
            ScriptBinaryExpression { Operator: ScriptBinaryOperator.And or ScriptBinaryOperator.Or } both => Tested(both),
            ScriptUnaryExpression { Operator: ScriptUnaryOperator.Not } not => Tested(not),
            _ => false,
        };
    }

    // The first parent that is not parentheses, and the node under it.
    private static (ScriptNode? Parent, ScriptNode Child) Up(ScriptNode node)
    {
        while (node.Parent is ScriptNestedExpression nested) node = nested;
        return (node.Parent, node);
    }

    private static bool IsFunction(ScriptExpression? expression, string target, string name)
    {
        if (expression is ScriptFunctionCall { Arguments.Count: 0 } call) expression = call.Target;
        return expression is ScriptMemberExpression { Target: ScriptVariable owner, Member: { } member } && owner.Name == target && member.Name == name;
    }
}
