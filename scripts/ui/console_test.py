"""The admin console as a person uses it, in headless Chromium (run by scripts/ui/run).

Each step saves a screenshot under ROSTER_SHOTS. The server runs with the demo data; API calls set up what a step
needs (a scoped role and key, a change made behind the page's back).
"""
import json
import os
import sys
import traceback
import urllib.parse
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["ROSTER_BASE"]
ISSUER = os.environ["ROSTER_ISSUER"]
TOKEN = os.environ["ROSTER_TOKEN"]
SHOTS = os.environ.get("ROSTER_SHOTS", "reports/ui")


def api(method, path, body=None, token=TOKEN):
    request = urllib.request.Request(BASE + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def party_named(name):
    found = api("GET", "/v1/tenants/acme/parties?" + urllib.parse.urlencode({"q": name}))["items"]
    return next(p for p in found if p["displayName"] == name)


class Console:
    def __init__(self):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
            options.add_argument(argument)
        self.driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        self.shots = 0

    def go(self, path):
        self.driver.get(BASE + path)

    def shot(self, name):
        """The whole page, not only the window: the window grows to the page's height for the picture."""
        self.shots += 1
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1280, min(max(height, 800), 6000))
        self.driver.save_screenshot(os.path.join(SHOTS, f"{self.shots:02d}-{name}.png"))
        self.driver.set_window_size(1280, 1000)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def wait_for_next_page(self, old):
        """Until the page `old` belonged to is replaced (mid-navigation the driver may answer with any error) and loaded."""
        def replaced(_):
            try:
                old.is_enabled()
                return False
            except WebDriverException:
                return True
        WebDriverWait(self.driver, 30).until(replaced)

        def loaded(driver):
            try:
                return driver.execute_script("return document.readyState") == "complete"
            except WebDriverException:
                return False
        WebDriverWait(self.driver, 30).until(loaded)

    def click(self, css=None, element=None):
        """Clicks what leads to another page, and waits until that page has replaced this one."""
        old = self.find("html")
        (element or self.find(css)).click()
        self.wait_for_next_page(old)

    def submit(self, css):
        old = self.find("html")
        self.find(css).submit()
        self.wait_for_next_page(old)

    def text(self):
        return self.find("body").text

    def fill(self, field_id, value):
        element = self.find(f"#{field_id}")
        element.clear()
        element.send_keys(value)

    def sign_in(self, token):
        self.go("/ui")
        assert self.driver.current_url.endswith("/ui/sign-in"), self.driver.current_url
        self.fill("token", token)
        self.click("form[action='/ui/sign-in'] button")

    def sign_out(self):
        self.click("#sign-out")
        assert self.driver.current_url.endswith("/ui/sign-in"), self.driver.current_url


def test_sign_in_with_a_token(ui):
    ui.go("/ui")
    ui.shot("sign-in")
    ui.fill("token", "not-a-token")
    ui.click("form[action='/ui/sign-in'] button")
    assert "That token is not valid." in ui.text()
    ui.sign_in(TOKEN)
    assert ui.driver.current_url.endswith("/ui/tenants"), ui.driver.current_url
    assert "acme" in ui.text() and "globex" in ui.text()
    ui.shot("tenants")


def test_create_a_tenant(ui):
    ui.fill("slug", "initech")
    ui.fill("tenant-name", "Initech")
    ui.fill("callingCode", "1")
    ui.fill("admin-first", "Bill")
    ui.fill("admin-last", "Lumbergh")
    ui.fill("admin-email", "bill@initech.example")
    ui.click("#create")
    assert "Tenant created." in ui.text(), ui.text()
    row = next(r for r in ui.driver.find_elements(By.CSS_SELECTOR, "#tenants tbody tr") if "initech" in r.text)
    assert "active" in row.text and "tracked" in row.text, row.text
    ui.shot("tenant-created")


def test_search_and_open_a_party(ui):
    ui.click("a[href='/ui/t/acme/parties']")
    assert "Parties of acme" in ui.text()
    ui.shot("parties")
    ui.fill("q", "Hill")
    Select(ui.find("#kind")).select_by_value("organization")
    ui.click("#search")
    assert "Hill Farm" in ui.text() and "Valley Farm" not in ui.text()
    ui.shot("search")
    ui.click(element=ui.driver.find_element(By.LINK_TEXT, "Hill Farm"))
    assert ui.find("h1").text.startswith("Hill Farm")
    ui.shot("party")


def test_relationship_tree(ui):
    tree = ui.find("#relationships").text
    for name in ["Acme Farming Group", "North Region", "Hill Farm", "Gwen Hillfield", "Hari Hillfield"]:
        assert name in tree, (name, tree)
    assert tree.index("Acme Farming Group") < tree.index("North Region") < tree.index("Hill Farm") < tree.index("Gwen Hillfield")
    assert "Valley Farm" not in tree


def test_edit_and_stale_edit(ui):
    version = int(ui.find("#version").text)
    ui.fill("website", "hillfarm.example")
    ui.click("#save")
    assert "Saved." in ui.text()
    assert int(ui.find("#version").text) == version + 1
    assert ui.find("#website").get_attribute("value") == "https://hillfarm.example"
    ui.shot("saved")
    # Someone else changes the party while this page is open; saving it is then a conflict, shown as such.
    hill = party_named("Hill Farm")
    request = urllib.request.Request(f"{BASE}/v1/tenants/acme/parties/{hill['id']}", method="PATCH",
                                     data=json.dumps({"note": "changed elsewhere"}).encode(),
                                     headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
    ui.fill("name", "Hill Farm (stale)")
    ui.click("#save")
    conflict = ui.find("#conflict").text
    assert "Someone changed this party after you opened it" in conflict, conflict
    assert ui.find("#name").get_attribute("value") == "Hill Farm"
    assert ui.find("#note").get_attribute("value") == "changed elsewhere"
    ui.shot("conflict")
    assert party_named("Hill Farm")["name"] == "Hill Farm"


def test_tags(ui):
    ui.fill("tag-text", "Certified")
    ui.click("#add-tag")
    assert "Certified" in ui.find("ul.tags").text, ui.find("ul.tags").text
    ui.click("button[aria-label='Remove the tag Certified']")
    assert "Certified" not in ui.find("ul.tags").text


def test_state_change(ui):
    Select(ui.find("#to")).select_by_value("suspended")
    ui.fill("reason", "audit pending")
    ui.click("#change-state")
    assert "State changed." in ui.text()
    assert ui.find("#state").text == "suspended"
    assert "audit pending" in ui.find("#history").text
    # The page fits 1280 pixels: the history table scrolled the whole page sideways.
    ui.driver.set_window_size(1280, 1000)
    overflow = ui.driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the party page is {overflow}px wider than the window"
    ui.shot("state-changed")


def test_reveal_a_secret(ui):
    account = api("GET", "/v1/tenants/acme/partner-accounts?limit=1")["items"][0]
    ui.go(f"/ui/t/acme/parties/{account['customerId']}")
    assert account["username"] in ui.find("#accounts").text
    ui.shot("party-accounts")
    form = f"form[action='/ui/t/acme/accounts/{account['id']}/reveal']"
    ui.find(f"{form} input[name=confirm]").click()
    ui.click(f"{form} button")
    secret = ui.find("#secret").text
    assert secret, "the secret is shown"
    ui.shot("secret")
    trail = api("GET", f"/v1/tenants/acme/audit?targetId={account['id']}")["items"]
    assert any(entry["action"] == "partner_account.reveal" for entry in trail), trail
    assert secret not in json.dumps(trail), "the audit names the reveal, not the secret"
    ui.go(f"/ui/t/acme/parties/{party_named('Hill Farm')['id']}")


def test_change_a_partner_account(ui):
    account = api("GET", "/v1/tenants/acme/partner-accounts?limit=1")["items"][0]
    ui.go(f"/ui/t/acme/parties/{account['customerId']}")
    row = f"form[action$='/accounts/{account['id']}/edit']"
    ui.find("#accounts details.account-change summary").click()  # opens in place
    assert ui.find(f"{row} input[name=username]").get_attribute("value") == account["username"]
    violations = accessibility_violations(ui)
    assert not violations, violations
    ui.shot("party-account-change")
    ui.find(f"#account-{account['id']}-secret").send_keys("rotated-in-the-browser")
    ui.find(f"{row} input[name=active]").click()  # ticked: untick to deactivate
    ui.click(f"{row} button")
    changed = api("GET", f"/v1/tenants/acme/partner-accounts/{account['id']}")
    assert changed["active"] is False and changed["version"] == account.get("version", 1) + 1, changed
    secret = api("GET", f"/v1/tenants/acme/partner-accounts/{account['id']}/secret")["secret"]
    assert secret == "rotated-in-the-browser", "the new secret is kept"
    assert "inactive" in ui.find("#accounts").text
    api("PATCH", f"/v1/tenants/acme/partner-accounts/{account['id']}", {"active": True})


def test_access_check(ui):
    north = party_named("North Region")
    hill = party_named("Hill Farm")
    user = api("POST", "/v1/tenants/acme/users", {"email": "approver@acme.test", "displayName": "Approver"})
    ui.go("/ui/t/acme/access")
    # The role is made and granted through the page's forms.
    ui.fill("role-name", "North approvers")
    ui.find("input[name='policy.parties.write']").click()
    ui.fill("role-org", north["id"])
    ui.click("#create-role")
    assert "Role created." in ui.text(), ui.text()
    role = next(r for r in api("GET", "/v1/tenants/acme/roles")["items"] if r["name"] == "North approvers")
    ui.fill("grant-user", user["email"])
    Select(ui.find("#grant-role")).select_by_value(role["id"])
    ui.click("#grant")
    assert "Role granted." in ui.text(), ui.text()
    ui.fill("user", user["id"])
    Select(ui.find("#policy")).select_by_value("parties.write")
    ui.fill("party", hill["id"])
    ui.click("#check-button")
    decision = ui.find("#decision").text
    assert "Allowed." in decision and "North approvers" in decision, decision
    assert [e.text for e in ui.driver.find_elements(By.CSS_SELECTOR, "#decision .path li")] == ["North Region", "Hill Farm"], decision
    assert "As of" not in decision, decision
    ui.shot("access-allowed")
    ui.driver.execute_script("document.getElementById('at').value = '2020-01-01T00:00:00'")
    ui.click("#check-button")
    decision = ui.find("#decision").text
    assert "Denied." in decision and "As of 2020-01-01" in decision, decision
    ui.shot("access-as-of")


def test_audit_log_and_chain_check(ui):
    ui.go("/ui/t/acme/audit")
    ui.fill("targetId", party_named("Hill Farm")["id"])
    ui.click("#filter")
    trail = ui.find("#entries").text
    assert "party.update" in trail and "party.tag" in trail, trail
    ui.click("#verify")
    assert "The chain is intact." in ui.find("#verification").text
    ui.shot("audit")


def test_dealer_import_from_a_file(ui):
    ui.go("/ui/t/acme/users")
    path = os.path.abspath(os.path.join(SHOTS, "dealers.csv"))
    with open(path, "w") as f:
        f.write("email,displayName,dealerCode\ndee@dealers.example,Dee Dealer,RE-100\nbo@dealers.example,Bo Dealer,RE-101\n")
    ui.find("#dealer-file").send_keys(path)
    WebDriverWait(ui.driver, 10).until(lambda d: "dee@dealers.example" in d.find_element(By.ID, "dealer-csv").get_attribute("value"))
    ui.click("#import-dealers")
    assert "2 created, 0 updated, 0 unchanged." in ui.find("#import-report").text, ui.text()
    ui.shot("dealers-imported")
    ui.go("/ui/t/acme/users?segment=dealer")
    listed = ui.find("#users").text
    assert "Dee Dealer" in listed and "RE-101" in listed, listed
    os.remove(path)


def test_import_a_file(ui):
    ui.go("/ui/t/acme/imports")
    path = os.path.abspath(os.path.join(SHOTS, "people.csv"))
    with open(path, "w") as f:
        f.write("kind,firstName,lastName,email\n")
        for n in range(300):
            f.write(f"person,Imported,Person{n},imported{n}@people.example\n")
        f.write("person,Broken,Row,not-an-email\n")
    ui.shot("imports")
    ui.find("#import-file").send_keys(path)
    ui.click("#start-import")
    assert "/ui/t/acme/imports/" in ui.driver.current_url, ui.driver.current_url
    def finished(driver):
        try:
            return driver.find_element(By.ID, "job-status").text != "running"
        except WebDriverException:
            return False  # the page is reloading itself
    WebDriverWait(ui.driver, 60).until(finished)
    assert ui.find("#job-status").text == "completed", ui.text()
    assert ui.find("#created").text == "300" and ui.find("#refused").text == "1", ui.find("#counters").text
    assert "not-an-email" not in ui.find("#refused-rows").text, "refused rows name the field, not its value"
    ui.shot("import-done")
    os.remove(path)


def accessibility_violations(ui):
    """axe-core's default rules (WCAG 2.x A and AA: colour contrast, labels, names, landmarks; and best practices) on the
    page as it is."""
    ui.driver.set_script_timeout(120)
    axe = Axe(ui.driver)
    axe.inject()
    results = axe.run()
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]]


def test_pages_meet_wcag_aa(ui):
    hill = party_named("Hill Farm")["id"]
    pages = ["/ui/tenants", "/ui/t/acme/parties", f"/ui/t/acme/parties/{hill}", "/ui/t/acme/access", "/ui/t/acme/users",
             "/ui/t/acme/imports", "/ui/t/acme/audit?verify=1"]
    found = {}
    for path in pages:
        ui.go(path)
        violations = accessibility_violations(ui)
        if violations:
            found[path] = violations
    assert not found, found


def test_form_without_csrf_is_refused(ui):
    ui.go(f"/ui/t/acme/parties/{party_named('Hill Farm')['id']}")
    ui.driver.execute_script("document.querySelector('#edit input[name=csrf]').remove()")
    ui.fill("name", "Forged Farm")
    ui.click("#save")
    assert "Form refused" in ui.text(), ui.text()
    ui.shot("csrf-refused")
    assert party_named("Hill Farm")["name"] == "Hill Farm"


def test_scoped_admin_sees_its_subtree_only(ui):
    north = party_named("North Region")
    valley = party_named("Valley Farm")
    role = api("POST", "/v1/tenants/acme/roles",
               {"name": "North admins", "policies": ["parties.read", "parties.write"], "organizationId": north["id"]})
    key = api("POST", "/v1/tenants/acme/api-keys", {"name": "north console", "role": "USER", "roleIds": [role["id"]]})["key"]
    ui.sign_out()
    ui.sign_in(key)
    assert ui.driver.current_url.endswith("/ui/t/acme/parties"), ui.driver.current_url
    listed = ui.find("main").text
    for name in ["North Region", "Hill Farm", "Moor Farm", "Gwen Hillfield"]:
        assert name in listed, (name, listed)
    for name in ["South Region", "Valley Farm", "Acme Farming Group", "Green Valley Growers"]:
        assert name not in listed, (name, listed)
    ui.shot("scoped-parties")
    ui.go(f"/ui/t/acme/parties/{valley['id']}")
    assert "Not found" in ui.text() and "Valley Farm" not in ui.text()
    ui.shot("scoped-not-found")


def test_scoped_admin_signs_in_through_sso(ui):
    api("PATCH", "/v1/tenants/acme", {"settings": {"sso": {"issuer": ISSUER, "audience": "roster", "autoProvision": True,
                                                           "emailDomains": ["acme.test"]}}})
    request = urllib.request.Request(f"{ISSUER}/users/ivy", method="PUT", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"email": "ivy@acme.test", "email_verified": True, "name": "Ivy Ives"}).encode())
    urllib.request.urlopen(request).read()
    ui.sign_out()
    ui.fill("sso-tenant", "acme")
    ui.click("#sso")
    assert ui.driver.current_url.startswith(ISSUER + "/oauth2/authorize"), ui.driver.current_url
    ui.shot("sso-provider")
    ui.find("input[name=sub]").send_keys("ivy")
    ui.submit("input[name=sub]")
    assert ui.driver.current_url.endswith("/ui/t/acme/parties"), ui.driver.current_url
    # Signed in, but no role yet: the list is refused.
    assert "Not allowed" in ui.text(), ui.text()
    ivy = next(u for u in api("GET", "/v1/tenants/acme/users?limit=200")["items"] if u.get("email") == "ivy@acme.test")
    south = party_named("South Region")
    role = api("POST", "/v1/tenants/acme/roles",
               {"name": "South admins", "policies": ["parties.read", "parties.write"], "organizationId": south["id"]})
    api("POST", f"/v1/tenants/acme/users/{ivy['id']}/roles", {"roleId": role["id"]})
    ui.go("/ui/t/acme/parties")
    listed = ui.find("main").text
    for name in ["South Region", "Valley Farm", "Coastal Farm"]:
        assert name in listed, (name, listed)
    for name in ["North Region", "Hill Farm", "Acme Farming Group"]:
        assert name not in listed, (name, listed)
    assert "Signed in as user" in ui.text()
    ui.shot("sso-scoped-parties")
    ui.go(f"/ui/t/acme/parties/{party_named('Hill Farm')['id']}")
    assert "Not found" in ui.text() and "Hill Farm" not in ui.text()


def test_sign_out(ui):
    ui.go("/ui/t/acme/parties")
    ui.sign_out()
    ui.shot("signed-out")
    assert not accessibility_violations(ui), accessibility_violations(ui)
    ui.go("/ui/t/acme/parties")
    assert ui.driver.current_url.endswith("/ui/sign-in"), ui.driver.current_url


def main():
    os.makedirs(SHOTS, exist_ok=True)
    ui = Console()
    tests = [test_sign_in_with_a_token, test_create_a_tenant, test_search_and_open_a_party, test_relationship_tree, test_edit_and_stale_edit,
             test_tags, test_state_change, test_reveal_a_secret, test_change_a_partner_account, test_access_check,
             test_audit_log_and_chain_check, test_dealer_import_from_a_file, test_import_a_file, test_pages_meet_wcag_aa,
             test_form_without_csrf_is_refused, test_scoped_admin_sees_its_subtree_only, test_scoped_admin_signs_in_through_sso, test_sign_out]
    failed = 0
    try:
        for test in tests:
            try:
                test(ui)
                print(f"ok    {test.__name__}")
            except Exception:
                failed += 1
                print(f"FAIL  {test.__name__}")
                traceback.print_exc()
                ui.shot(f"failed-{test.__name__}")
                break  # the steps build on each other
    finally:
        ui.driver.quit()
    print(f"console: {len(tests)} browser tests, {failed} failed; screenshots in {SHOTS}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
