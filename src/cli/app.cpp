#include "cli/app.hpp"

#include <algorithm>
#include <numeric>
#include <set>

#include "core/version.hpp"

namespace carereach::cli {
namespace {

/// The long and short names of an option as typed: "--out", "-o"; positional options have none.
std::vector<std::string> option_names(const CLI::Option* o) {
  std::vector<std::string> out;
  for (const std::string& l : o->get_lnames()) out.push_back("--" + l);
  for (const std::string& s : o->get_snames()) out.push_back("-" + s);
  return out;
}

/// Options a user types (not positional, not hidden).
std::vector<const CLI::Option*> visible_options(const CLI::App& app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_positional() && o->get_lnames().empty() && o->get_snames().empty()) continue;
    if (o->get_group().empty()) continue;  // hidden
    out.push_back(o);
  }
  return out;
}

/// roff text: backslashes doubled, hyphens escaped, a leading dot or apostrophe protected.
std::string roff(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  std::string protected_lines;
  std::size_t start = 0;
  while (start <= out.size()) {
    const std::size_t end = out.find('\n', start);
    std::string line = out.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty() && (line[0] == '.' || line[0] == '\'')) line = "\\&" + line;
    protected_lines += line;
    if (end == std::string::npos) break;
    protected_lines += '\n';
    start = end + 1;
  }
  return protected_lines;
}

std::string option_line(const CLI::Option* o) {
  std::string names;
  for (const std::string& n : option_names(o)) names += (names.empty() ? "" : ", ") + ("\\fB" + roff(n) + "\\fR");
  if (names.empty()) names = "\\fI" + roff(o->get_name()) + "\\fR";
  const std::string type = o->get_type_name();
  if (o->get_type_size() != 0 && !type.empty() && !o->get_positional()) names += " \\fI" + roff(type) + "\\fR";
  return names;
}

}  // namespace

CommandLine make_command_line() {
  CommandLine cl;
  cl.app = std::make_unique<CLI::App>(
      "carereach — who can reach which health service within how many minutes.\n医疗卫生资源可达性与服务圈分析工具",
      "carereach");
  CLI::App& app = *cl.app;
  app.require_subcommand(0, 1);
  app.fallthrough();
  app.add_flag("-q,--quiet", cl.quiet, "No progress or status messages (results, errors and warnings are still printed); the same as --log-level warn");
  app.add_flag("-v,--verbose", cl.verbose, "Debug messages too, with the time of every step; the same as --log-level debug");
  app.add_option("--log-level", cl.log_level,
                 "Messages on stderr: error (errors only), warn (+ warnings), info (+ status and progress, the default), debug (+ step timings)")
      ->check(CLI::IsMember({"error", "warn", "info", "debug"}));
  app.add_option("--lang", cl.lang,
                 "Language of error and warning messages: zh or en (default: a command's own --lang when given, else zh when the locale is zh_*, else en)")
      ->check(CLI::IsMember({"zh", "en"}));
  app.add_flag("--man-page", cl.man_page, "Print the man page carereach(1) (roff) and exit")->group("");
  app.add_flag("--bash-completion", cl.bash_completion, "Print the bash completion script and exit")->group("");
  app.footer("Run 'carereach <command> --help' for the options of a command. Documentation: docs/.");
  cl.commands = make_commands();
  for (auto& cmd : cl.commands) {
    CLI::App* sub = app.add_subcommand(cmd->name(), cmd->summary());
    cmd->setup(*sub);
    cl.subcommands.emplace_back(sub, cmd.get());
  }
  return cl;
}

std::string man_page(const CommandLine& cl) {
  std::string s;
  s += ".TH CAREREACH 1 \"\" \"carereach " + roff(kVersion) + "\" \"User Commands\"\n";
  s += ".SH NAME\ncarereach \\- who can reach which health service within how many minutes "
       "(\\[u533B]\\[u7597]\\[u536B]\\[u751F]\\[u8D44]\\[u6E90]\\[u53EF]\\[u8FBE]\\[u6027]\\[u5206]\\[u6790])\n";
  s += ".SH SYNOPSIS\n.B carereach\n[\\fB\\-q\\fR|\\fB\\-v\\fR|\\fB\\-\\-log\\-level\\fR \\fILEVEL\\fR] [\\fB\\-\\-lang\\fR \\fIzh|en\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n";
  s += ".SH DESCRIPTION\ncarereach computes travel times from every populated cell of a study area to health "
       "facilities, the coverage of service standards such as the 15\\-minute TCM service circle per county and "
       "township, gap areas, resource density and planning indicators, and writes layers, tables and reports for "
       "planners. The documentation of every command, scenario key and method is in the docs/ folder of the source.\n";
  s += ".SH GLOBAL OPTIONS\n";
  for (const CLI::Option* o : visible_options(*cl.app)) {
    s += ".TP\n" + option_line(o) + "\n" + roff(o->get_description()) + "\n";
  }
  s += ".SH COMMANDS\n";
  for (const auto& [sub, cmd] : cl.subcommands) {
    s += ".SS \"carereach " + roff(sub->get_name()) + "\"\n" + roff(sub->get_description()) + "\n";
    for (const CLI::Option* o : sub->get_options()) {
      if (o->get_group().empty()) continue;
      if (o->get_name() == "--help" || o->get_lnames() == std::vector<std::string>{"help"}) continue;
      std::string desc = o->get_description();
      if (o->get_required()) desc += " (required)";
      s += ".TP\n" + option_line(o) + "\n" + roff(desc) + "\n";
    }
  }
  s += ".SH EXIT STATUS\n";
  const std::pair<int, const char*> codes[] = {
      {0, "success"},
      {1, "an unexpected failure (a bug: please report it with the command and the scenario)"},
      {2, "wrong command\\-line arguments"},
      {3, "the scenario file: malformed TOML, unknown key, wrong type or bad value"},
      {4, "an input dataset: missing or unreadable file, layer or field, bad rows, empty layer"},
      {5, "a coordinate reference system is missing, unknown or unsuitable"},
      {6, "the output cannot be written, or exists and \\-\\-overwrite was not given or may not replace it"},
      {130, "interrupted (Ctrl\\-C); 143 terminated, 129 hung up: temporary files removed, earlier outputs intact"}};
  for (const auto& [code, text] : codes) s += ".TP\n.B " + std::to_string(code) + "\n" + std::string(text) + "\n";
  s += ".SH SEE ALSO\ndocs/scenario.md, docs/cli/*.md, docs/exit\\-codes.md in the carereach source.\n";
  return s;
}

std::string bash_completion(const CommandLine& cl) {
  std::string commands;
  for (const auto& [sub, cmd] : cl.subcommands) commands += (commands.empty() ? "" : " ") + sub->get_name();
  std::vector<std::string> global_names = {"-h", "--help", "--version"};
  for (const CLI::Option* o : visible_options(*cl.app))
    for (const std::string& n : option_names(o))
      if (std::find(global_names.begin(), global_names.end(), n) == global_names.end()) global_names.push_back(n);
  std::string global;
  for (const std::string& n : global_names) global += (global.empty() ? "" : " ") + n;
  std::string s = "# bash completion for carereach (generated by `carereach --bash-completion`)\n";
  s += "_carereach() {\n";
  s += "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" cmd=\"\" i opts\n";
  s += "  for ((i = 1; i < COMP_CWORD; i++)); do\n    case \"${COMP_WORDS[i]}\" in\n      ";
  std::string alternatives = commands;
  std::replace(alternatives.begin(), alternatives.end(), ' ', '|');
  s += alternatives + ") cmd=\"${COMP_WORDS[i]}\"; break ;;\n    esac\n  done\n";
  s += "  if [[ -z \"$cmd\" ]]; then\n    COMPREPLY=($(compgen -W \"" + commands + " " + global +
       "\" -- \"$cur\"))\n    return 0\n  fi\n";
  s += "  case \"$cmd\" in\n";
  for (const auto& [sub, cmd] : cl.subcommands) {
    std::string opts = "-h --help";
    for (const CLI::Option* o : visible_options(*sub))
      for (const std::string& n : option_names(o))
        if (n != "-h" && n != "--help") opts += " " + n;
    s += "    " + sub->get_name() + ") opts=\"" + opts + "\" ;;\n";
  }
  s += "  esac\n";
  // Options whose values are a fixed set (--lang zh|en …): those values after the option.
  std::string values_case;
  for (const auto& [sub, cmd] : cl.subcommands)
    for (const CLI::Option* o : visible_options(*sub)) {
      const std::string type = o->get_type_name();
      const std::size_t open = type.find('{'), close = type.rfind('}');
      if (open == std::string::npos || close == std::string::npos || close < open) continue;
      std::string values = type.substr(open + 1, close - open - 1);
      std::replace(values.begin(), values.end(), ',', ' ');
      for (const std::string& n : option_names(o))
        values_case += "    " + sub->get_name() + ":" + n + ") COMPREPLY=($(compgen -W \"" + values + "\" -- \"$cur\")); return 0 ;;\n";
    }
  if (!values_case.empty())
    s += "  case \"$cmd:${COMP_WORDS[COMP_CWORD-1]}\" in\n" + values_case + "  esac\n";
  s += "  if [[ \"$cur\" == -* ]]; then\n    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n  else\n"
       "    COMPREPLY=($(compgen -f -- \"$cur\"))\n  fi\n  return 0\n}\n";
  s += "complete -o filenames -o bashdefault -F _carereach carereach\n";
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

namespace {

/// The closest candidate to `word`: within a third of its length (at least 1), or the only one it starts.
std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(1, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  if (!best.empty()) return best;
  std::vector<std::string> prefixed;
  for (const std::string& c : candidates)
    if (word.size() >= 2 && c.rfind(word, 0) == 0) prefixed.push_back(c);
  return prefixed.size() == 1 ? prefixed.front() : std::string();
}

}  // namespace

std::string did_you_mean(const CommandLine& cl, int argc, const char* const* argv) {
  std::vector<std::string> commands;
  for (const auto& [sub, cmd] : cl.subcommands) commands.push_back(sub->get_name());
  std::vector<std::string> global_options = {"--help", "--version"};
  for (const CLI::Option* o : visible_options(*cl.app))
    for (const std::string& n : option_names(o)) global_options.push_back(n);
  const CLI::App* sub = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word.rfind("--", 0) == 0) {
      const std::size_t eq = word.find('=');
      if (eq != std::string::npos) word.resize(eq);
      std::vector<std::string> known = global_options;
      if (sub != nullptr)
        for (const CLI::Option* o : visible_options(*sub))
          for (const std::string& n : option_names(o)) known.push_back(n);
      if (std::find(known.begin(), known.end(), word) != known.end()) {
        // Skip the value of an option that takes one (given apart from it).
        if (eq == std::string::npos) {
          std::vector<const CLI::Option*> options = visible_options(*cl.app);
          if (sub != nullptr)
            for (const CLI::Option* o : visible_options(*sub)) options.push_back(o);
          for (const CLI::Option* o : options) {
            const auto names = option_names(o);
            if (std::find(names.begin(), names.end(), word) != names.end() && o->get_type_size() != 0) {
              ++i;
              break;
            }
          }
        }
        continue;
      }
      const std::string c = closest(word, known);
      return c.empty() ? std::string() : "did you mean '" + c + "'?";
    }
    if (word.rfind('-', 0) == 0) continue;  // short options
    if (sub == nullptr) {
      const auto it = std::find(commands.begin(), commands.end(), word);
      if (it != commands.end()) {
        sub = cl.subcommands[static_cast<std::size_t>(it - commands.begin())].first;
        continue;
      }
      const std::string c = closest(word, commands);
      return c.empty() ? std::string() : "did you mean 'carereach " + c + "'?";
    }
  }
  return {};
}

}  // namespace carereach::cli
