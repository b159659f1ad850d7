import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RosterCore
import RosterService
import RosterStore

/// Imports (a file streamed by the page's script, or pasted text) with their progress and refused rows; exports.
extension WebConsole {
    func registerImports<Context: RequestContext>(on ui: RouterGroup<Context>) {
        ui.get("t/:tenant/imports") { request, context in await self.imports(request, tenant: context.parameters.get("tenant") ?? "") }
        ui.post("t/:tenant/imports") { request, context in
            await self.importText(request, tenant: context.parameters.get("tenant") ?? "")
        }
        ui.post("t/:tenant/imports/upload") { request, context in
            await self.importUpload(request, tenant: context.parameters.get("tenant") ?? "")
        }
        ui.get("t/:tenant/imports/:id") { request, context in
            await self.importJob(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "")
        }
        ui.post("t/:tenant/exports/parties") { request, context in
            await self.export(request, tenant: context.parameters.get("tenant") ?? "", of: "parties")
        }
        ui.post("t/:tenant/exports/relationships") { request, context in
            await self.export(request, tenant: context.parameters.get("tenant") ?? "", of: "relationships")
        }
    }

    /// The path `BodyLimitMiddleware` lets through unread, up to the import limit: `/ui/t/{tenant}/imports/upload`.
    public static func isUpload(_ path: String) -> Bool {
        let parts = PathSegments.of(path, omittingEmpty: true, limit: 6)
        return parts.count == 5 && parts[0] == "ui" && parts[1] == "t" && parts[3] == "imports" && parts[4] == "upload"
    }

    func imports(_ request: Request, tenant: String) async -> Response {
        await run(request, tenant: tenant) { signedIn in
            // The tenant as the caller may see it (404 for another tenant's, as everywhere).
            _ = try await services.access.me(tenant: tenant, context: signedIn.context)
            var view = Self.importsView(tenant: tenant, signedIn: signedIn)
            view.jobs = try await recentJobs(tenant: tenant, context: signedIn.context)
            return .page(title: "Imports", template: "imports", view: view)
        }
    }

    /// The page's view, offering the imports this caller may start (none: no import form).
    static func importsView(tenant: String, signedIn: SignedIn) -> ImportsView {
        var view = ImportsView(tenant: tenant, csrf: signedIn.session.csrf)
        let allowed = ImportJob.Kind.allCases.filter { $0 == .parties ? signedIn.nav.importParties : signedIn.nav.importRelationships }
        view.kinds = view.kinds.filter { option in allowed.contains { $0.rawValue == option.value } }
        if let first = view.kinds.indices.first, !view.kinds.contains(where: \.selected) { view.kinds[first].selected = true }
        view.canImport = !allowed.isEmpty
        return view
    }

    /// The ten newest jobs the caller may follow; none for a caller that may not import.
    func recentJobs(tenant: String, context: OperationContext) async throws -> [ImportsView.JobRow] {
        do {
            return try await services.importJobs.jobs(tenant: tenant, cursor: nil, limit: 10, context: context).items
                .map { ImportsView.JobRow($0, tenant: tenant) }
        } catch RosterError.forbidden {
            return []
        }
    }

    /// The upload's `restart` (its script sends `true` or `false`), as the API reads it: another value is refused.
    static func restart(_ raw: String?) throws -> Bool {
        switch raw {
        case nil, "false": return false
        case "true": return true
        default: throw RosterError.invalid("restart", "must be true or false")
        }
    }

    struct ImportChoice {
        var kind: ImportJob.Kind
        var onDuplicate: DuplicatePolicy
        var format: BulkFormat

        init(type: String?, onDuplicate: String?, format: String?) throws {
            var errors = ValidationErrors()
            kind = errors.check { try Self.pick(type ?? "parties", "type") } ?? .parties
            self.onDuplicate = errors.check { try Self.pick(onDuplicate ?? "skip", "onDuplicate") } ?? .skip
            self.format = errors.check { try Self.pick(format ?? "csv", "format") } ?? .csv
            try errors.throwIfAny()
        }

        static func pick<T: RawRepresentable & CaseIterable>(_ raw: String, _ field: String) throws -> T where T.RawValue == String {
            guard let value = T(rawValue: raw) else {
                throw RosterError.invalid(field, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }
    }

    /// Pasted rows, posted as a form.
    func importText(_ request: Request, tenant: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            var view = Self.importsView(tenant: tenant, signedIn: signedIn)
            view.text = fields["text"] ?? ""
            view.keep(type: fields["type"], onDuplicate: fields["onDuplicate"], format: fields["format"])
            view.restart = fields["restart"] == "true"
            do {
                let restart = try fields.ticked("restart", value: "true")
                let choice = try ImportChoice(type: fields["type"], onDuplicate: fields["onDuplicate"], format: fields["format"])
                guard !view.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw RosterError.invalid("text", "choose a file or paste the rows")
                }
                let bytes = ArraySlice(Array(view.text.utf8))
                let body = AsyncStream<ArraySlice<UInt8>> { continuation in
                    continuation.yield(bytes)
                    continuation.finish()
                }
                let job = try await services.importJobs.submit(tenant: tenant, kind: choice.kind, onDuplicate: choice.onDuplicate,
                                                               format: choice.format, restart: restart, body: body, context: signedIn.context)
                return .redirect("/ui/t/\(Self.pathSegment(tenant))/imports/\(job.id)")
            } catch RosterError.validation(let errors) {
                view.error = errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
                return .page(title: "Imports", template: "imports", view: view, status: .unprocessableContent)
            }
        }
    }

    /// A file sent by the page's script as the request body, streamed to the job as it arrives; the CSRF token comes in
    /// `X-CSRF-Token`. Answers JSON: where the job's page is, or why it did not start.
    func importUpload(_ request: Request, tenant: String) async -> Response {
        func answer(_ status: HTTPResponse.Status, _ fields: [String: String]) -> Response {
            let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
            return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        do {
            guard let signedIn = try await authenticate(request, tenant: tenant) else {
                return answer(.unauthorized, ["detail": "You are signed out; sign in again."])
            }
            guard let sent = request.headers[HTTPField.Name("X-CSRF-Token")!], Self.constantTimeEqual(sent, signedIn.session.csrf),
                  !Self.crossSite(request) else {
                return answer(.forbidden, ["detail": "This form was not sent from this session; reload the page."])
            }
            let query = FormQuery(request)
            let errors = ConsoleForms.errors(names: request.uri.query.flatMap(Self.formPairs)?.map(\.0) ?? [], accepted: ConsoleForms.uploadQuery)
            guard errors.isEmpty else { throw try await refusal(errors, tenant: tenant, signedIn) }
            let choice = try ImportChoice(type: query.get("type"), onDuplicate: query.get("onDuplicate"), format: query.get("format"))
            let body = request.body.map { ArraySlice($0.readableBytesView) }
            let job = try await services.importJobs.submit(tenant: tenant, kind: choice.kind, onDuplicate: choice.onDuplicate,
                                                           format: choice.format, restart: try Self.restart(query.get("restart")),
                                                           body: body,
                                                           context: signedIn.context)
            var response = answer(.accepted, ["location": "/ui/t/\(Self.pathSegment(tenant))/imports/\(job.id)"])
            response.setCookie(cookie(signedIn.session))
            return response
        } catch let error as RosterError {
            let status: HTTPResponse.Status = switch error {
            case .validation: .unprocessableContent
            case .notFound: .notFound
            case .forbidden: .forbidden
            case .conflict: .conflict
            case .tooLarge: .contentTooLarge
            case .unauthorized: .unauthorized
            case .unavailable: .serviceUnavailable
            case .badRequest, .preconditionFailed: .badRequest
            }
            let detail = switch error {
            case .validation(let errors): errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
            case .notFound: "There is nothing here, or nothing you may see."
            default: error.detail ?? "The import was not started."
            }
            return answer(status, ["detail": detail])
        } catch WebError.tooManyRequests(let retryAfter) {
            var response = answer(.tooManyRequests, ["detail": "You are over your rate limit; try again in \(retryAfter) s."])
            response.headers[.retryAfter] = String(retryAfter)
            return response
        } catch {
            logger.error("console upload failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return answer(.internalServerError, ["detail": "The import was not started; the failure has been logged."])
        }
    }

    func importJob(_ request: Request, tenant: String, id: String) async -> Response {
        await run(request, tenant: tenant) { signedIn in
            guard let id = ImportJob.ID(uuidString: id) else { throw RosterError.notFound("no such import") }
            let job = try await services.importJobs.job(tenant: tenant, id: id, context: signedIn.context)
            var view = ImportJobView(job, tenant: tenant)
            let page = try await services.importJobs.errors(tenant: tenant, id: id, cursor: FormQuery(request).get("cursor"),
                                                            limit: 100, context: signedIn.context)
            view.errors = page.items.map { ImportJobView.RowError(row: $0.row, field: $0.field, message: $0.message) }
            view.hasErrors = !view.errors.isEmpty
            view.nextURL = page.nextCursor.map { "/ui/t/\(Self.pathSegment(tenant))/imports/\(id)?" + Self.query([("cursor", $0)]) }
            return .page(title: "Import", template: "import-job", view: view, refresh: job.status == .running ? 2 : nil)
        }
    }

    /// The parties or relationships export, streamed as a download (audited by the service, as the API's); a form with
    /// the CSRF token, so that no other site can start one in the caller's name.
    func export(_ request: Request, tenant: String, of what: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            let format: BulkFormat = try ImportChoice.pick(fields["format"] ?? "csv", "format")
            let mask = try fields.ticked("mask", value: "true")
            // An empty field is no key (the form always sends it).
            let key = try PartiesExportOptions.maskKey(fields["maskKey"].flatMap { $0.isEmpty ? nil : $0 }, mask: mask, field: "Mask key")
            // A download is opened in a spreadsheet: its CSV fields are spreadsheet-safe (`SpreadsheetGuard`).
            let options = PartiesExportOptions(format: format, mask: mask, maskPassphrase: key, spreadsheetSafe: format == .csv)
            let body = what == "relationships"
                ? ResponseBody(asyncSequence: try await services.exports.exportRelationships(tenant: tenant, options, context: signedIn.context)
                    .map { ByteBuffer(bytes: $0) })
                : ResponseBody(asyncSequence: try await services.exports.exportParties(tenant: tenant, options, context: signedIn.context)
                    .map { ByteBuffer(bytes: $0) })
            let name = "\(tenant)-\(what)\(mask ? "-masked" : "").\(format.rawValue)"
            return .response(Response(
                status: .ok,
                headers: [.contentType: format.contentType, .cacheControl: "no-store",
                          .contentDisposition: "attachment; filename=\"\(name)\""],
                body: body))
        }
    }
}
