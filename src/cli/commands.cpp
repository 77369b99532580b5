// The one list of subcommands. To add one: write cmd_<name>.cpp with a make_<name>_command() and add it here.

#include "cli/command.hpp"

namespace carereach::cli {

std::unique_ptr<Command> make_run_command();
std::unique_ptr<Command> make_validate_command();
std::unique_ptr<Command> make_traveltime_command();
std::unique_ptr<Command> make_compare_command();
std::unique_ptr<Command> make_convert_coords_command();
std::unique_ptr<Command> make_export_command();
std::unique_ptr<Command> make_site_command();
std::unique_ptr<Command> make_tile_command();
std::unique_ptr<Command> make_jobs_command();
std::unique_ptr<Command> make_merge_command();

std::vector<std::unique_ptr<Command>> make_commands() {
  std::vector<std::unique_ptr<Command>> out;
  out.push_back(make_run_command());
  out.push_back(make_validate_command());
  out.push_back(make_traveltime_command());
  out.push_back(make_compare_command());
  out.push_back(make_convert_coords_command());
  out.push_back(make_export_command());
  out.push_back(make_site_command());
  out.push_back(make_tile_command());
  out.push_back(make_jobs_command());
  out.push_back(make_merge_command());
  return out;
}

}  // namespace carereach::cli
