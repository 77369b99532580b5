#pragma once
// An allocator whose value-initialisation (vector::resize(n)) leaves trivial elements uninitialised, for per-cell
// arrays that are written in full right after being sized: it saves a pass over memory (tens of MB per standard
// on a large grid) and lets the parallel writer touch the pages first. Elements constructed with a value, and
// vector::assign, behave as with std::allocator.

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace carereach {

template <class T, class Base = std::allocator<T>>
class DefaultInitAllocator : public Base {
  using Traits = std::allocator_traits<Base>;

 public:
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U, typename Traits::template rebind_alloc<U>>;
  };

  using Base::Base;
  DefaultInitAllocator() = default;

  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    Traits::construct(static_cast<Base&>(*this), p, std::forward<Args>(args)...);
  }
};

/// A vector whose resize() does not zero trivial elements: write every element before reading it.
template <class T>
using UninitVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace carereach
