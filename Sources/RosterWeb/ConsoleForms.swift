import RosterCore

/// The fields each form of the console posts, by the route it posts to (besides `csrf`). A form that sends another
/// field, or a field twice, is refused (422 naming it), as the API refuses unknown and repeated members: a typed name
/// (`emial=`) is never silently ignored, and which value counts is never a guess. The role form's tick boxes are one
/// field a policy (`policy.parties.read`). A test holds this to the forms of the templates, so that a field added to a
/// form can't be refused.
enum ConsoleForms {
    static let fields: [String: Set<String>] = [
        "sign-in": ["token"],
        "sign-out": [],
        "tenants": ["slug", "name", "callingCode", "firstName", "lastName", "email"],
        "tenants/:tenant/tracking/retry": [],
        "t/:tenant/new-party": ["kind", "firstName", "lastName", "name", "email", "phone", "website", "note", "customerType", "roles"],
        "t/:tenant/parties/:id/edit": ["version", "firstName", "lastName", "name", "email", "phone", "website", "note", "customerType"],
        "t/:tenant/parties/:id/state": ["version", "state", "reason"],
        "t/:tenant/parties/:id/export": [],
        "t/:tenant/parties/:id/tags": ["text"],
        "t/:tenant/parties/:id/tags/:tag/remove": [],
        "t/:tenant/parties/:id/erase": ["confirm", "keepLogin"],
        "t/:tenant/parties/:id/relationships": ["direction", "otherId", "type", "role"],
        "t/:tenant/parties/:id/consents": ["purpose", "status", "source"],
        "t/:tenant/parties/:id/accounts": ["partnerId", "customerId", "username", "secret", "active"],
        "t/:tenant/parties/:id/accounts/:account/edit": ["version", "username", "secret", "active"],
        "t/:tenant/parties/:id/accounts/:account/delete": ["version", "confirm"],
        "t/:tenant/accounts/:id/reveal": ["confirm"],
        "t/:tenant/grants": ["user", "role", "action", "validFrom", "validTo"],
        "t/:tenant/roles": Set(["name", "otherPolicies", "organizationId", "relationshipType"] + AccessRole.rosterPolicies.map { "policy." + $0 }),
        "t/:tenant/roles/:role/delete": ["confirm"],
        "t/:tenant/users/import": ["csv"],
        "t/:tenant/imports": ["type", "format", "onDuplicate", "restart", "text"],
        "t/:tenant/exports/parties": ["format", "mask", "maskKey"],
        // The parties export form's second button posts the same fields here.
        "t/:tenant/exports/relationships": ["format", "mask", "maskKey"],
    ]

    /// The query of the import form's upload (its script sends the file as the body, the form's choices in the query).
    static let uploadQuery: Set<String> = ["type", "onDuplicate", "format", "restart"]

    /// The route of a form's path (`/ui/t/acme/parties/1/state` → `t/:tenant/parties/:id/state`), or nil.
    static func route(of path: String) -> String? {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard segments.first == "ui" else { return nil }
        segments = segments.dropFirst()
        return fields.keys.first { route in
            let parts = route.split(separator: "/")
            return parts.count == segments.count && zip(parts, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }
    }

    /// The errors of a form's fields: each name the form does not have, and each name sent more than once.
    static func errors(names: [String], route: String?) -> [FieldError] {
        errors(names: names, accepted: route.flatMap { fields[$0] } ?? [])
    }

    static func errors(names: [String], accepted: Set<String>) -> [FieldError] {
        var seen = Set<String>(), errors: [FieldError] = []
        for name in names {
            guard seen.insert(name).inserted else {
                if !errors.contains(where: { $0.field == name }) { errors.append(FieldError(name, "was sent more than once")) }
                continue
            }
            let known = name == "csrf" || accepted.contains(name)
            if !known { errors.append(FieldError(name, "is not a field of this form")) }
        }
        return errors
    }
}
