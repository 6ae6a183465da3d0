# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] lang="en"
# # Lesson 2 · Networks with `torch.nn`
#
# In lesson 1 you built a 784 → 256 → 10 network from four tensors `W1, b1, W2, b2` and wrote out
# every matrix product yourself. That is fine for two layers, and hopeless for fifty. PyTorch's
# `torch.nn` package does the bookkeeping: layers create and hold their own weights, a model
# knows all of its parameters, and moving it to the GPU is one call. In this lesson you:
#
# 1. rebuild lesson 1's network as an `nn.Module` class;
# 2. write the same network with `torch.nn.functional`, and meet ReLU;
# 3. build a deeper ReLU network yourself (the graded exercise);
# 4. write networks as a short list of layers with `nn.Sequential`, with names for the layers;
# 5. look inside the layers at the weights and biases, and initialise them yourself;
# 6. run your network on a batch of real digits.
#
# The networks are still untrained: the next lesson computes gradients and takes a first step of
# gradient descent, and the lessons after it train networks on the whole data set.
#
# **Objectives:** after this lesson you can write networks as `nn.Module` classes and
# `nn.Sequential`, read and set their parameters, and choose an initialisation.
#
# **Time:** about 60 minutes: reading, running every cell, and the exercise.

# %% [markdown] lang="zh"
# # 第 2 课 · 用 `torch.nn` 搭建网络
#
# 在第 1 课里，你用 `W1, b1, W2, b2` 四个张量搭了一个 784 → 256 → 10 的网络，每一次矩阵乘法都是亲手写的。
# 两层网络这样写还行，五十层就没法写了。PyTorch 的 `torch.nn` 包替我们管好这些琐事：每一层自己创建并保存权重，
# 模型知道自己所有的参数，搬到 GPU 上也只需要一行代码。本课你将：
#
# 1. 把第 1 课的网络重写成一个 `nn.Module` 类；
# 2. 用 `torch.nn.functional` 写出同一个网络，并认识 ReLU；
# 3. 自己搭一个更深的 ReLU 网络（本课的评分练习）；
# 4. 用 `nn.Sequential` 把网络写成一串层，并给各层起名字；
# 5. 查看层里的权重和偏置，并亲手初始化它们；
# 6. 让你的网络处理一批真实的手写数字。
#
# 这些网络都还没有训练过：下一课会计算梯度，并迈出梯度下降的第一步；再往后的几课会在整个数据集上训练网络。
#
# **学习目标：**学完本课，你将能够用 `nn.Module` 类和 `nn.Sequential` 写网络，查看和设置它们的参数，并选择合适的初始化方法。
#
# **用时：**约 60 分钟（阅读、运行每个单元格、完成练习）。

# %%
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import helper

device = helper.device()
generator = helper.seed_everything(0)
print("PyTorch", torch.__version__, helper.tr(en="on", zh="运行在"), device)

# %% [markdown] lang="en"
# ## 0. A batch of digits
#
# As in lesson 1 we take one batch of 64 MNIST images. This time a whole data set is loaded into
# memory at once with `helper.load_tensors`: here the 10,000 test images, which are quick to load
# (shape `(1, 28, 28)` each, values in [0, 1]). A `DataLoader` over a `TensorDataset` then hands
# out shuffled batches: the fast way to feed a network, which the training lessons use too.

# %% [markdown] lang="zh"
# ## 0. 一批手写数字
#
# 和第 1 课一样，我们取一批 64 张 MNIST 图片。这次用 `helper.load_tensors` 把整个数据集一次性读进内存：
# 这里用的是读取很快的 10,000 张测试图片（每张形状为 `(1, 28, 28)`，取值在 [0, 1] 之间）。
# 再用 `DataLoader` 从 `TensorDataset` 中按打乱后的顺序分批取数据。这是给网络“喂”数据的快捷方式，
# 后面训练网络的几课也会这样做。

# %%
test_images, test_labels = helper.load_tensors("MNIST", train=False)
loader = DataLoader(TensorDataset(test_images, test_labels), batch_size=64, shuffle=True,
                    generator=generator)

images, labels = next(iter(loader))
images, labels = images.to(device), labels.to(device)
print(images.shape, labels.shape)
helper.show_batch(images[:8], labels[:8], classes="mnist");

# %% [markdown] lang="en"
# ## 1. Lesson 1's network as an `nn.Module`
#
# A network in PyTorch is a class that inherits from `nn.Module`. It has two parts:
#
# * `__init__` creates the layers and stores them as attributes (`self.hidden = ...`). It must
#   first call `super().__init__()`, which sets up the machinery that lets the module find the
#   layers you assign.
# * `forward(x)` says how an input flows through the layers and returns the output.
#
# The layer doing lesson 1's work is `nn.Linear(in_features, out_features)`. It creates a weight
# matrix and a bias vector and computes
#
# $$\text{Linear}(x) = x W^\top + b, \qquad W: \text{(out, in)}, \quad b: \text{(out,)}.$$
#
# Note the transpose. PyTorch stores $W$ as `(out_features, in_features)`, so **row $i$ of $W$
# holds the 784 weights of hidden unit $i$**. For a batch $x$ of shape `(64, 784)`, $x W^\top$ has
# shape `(64, 784) @ (784, 256) = (64, 256)`, exactly like `torch.mm(inputs, W1)` in lesson 1,
# where `W1` was stored the other way round, as `(784, 256)`.

# %% [markdown] lang="zh"
# ## 1. 把第 1 课的网络写成 `nn.Module`
#
# 在 PyTorch 中，一个网络就是一个继承自 `nn.Module` 的类，它由两部分组成：
#
# * `__init__` 创建各个层，并把它们保存为属性（`self.hidden = ...`）。它必须先调用 `super().__init__()`，
#   这样模块才能自动登记你赋给它的各个层。
# * `forward(x)` 描述输入如何依次流过这些层，并返回输出。
#
# 完成第 1 课那些计算的层是 `nn.Linear(in_features, out_features)`。它创建一个权重矩阵和一个偏置向量，并计算
#
# $$\text{Linear}(x) = x W^\top + b, \qquad W: \text{(out, in)}, \quad b: \text{(out,)}.$$
#
# 注意这里有一个转置。PyTorch 把 $W$ 存成 `(out_features, in_features)` 的形状，所以 **$W$ 的第 $i$ 行
# 就是第 $i$ 个隐藏单元的 784 个权重**。对形状为 `(64, 784)` 的一批数据 $x$，$x W^\top$ 的形状是
# `(64, 784) @ (784, 256) = (64, 256)`，与第 1 课的 `torch.mm(inputs, W1)` 完全一样，只不过那里的 `W1`
# 是反过来存的，形状为 `(784, 256)`。

# %%
class SigmoidNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        # [en] 784 inputs -> 256 hidden units -> 10 outputs, as in lesson 1
        # [zh] 784 个输入 -> 256 个隐藏单元 -> 10 个输出，与第 1 课相同
        self.hidden = nn.Linear(784, 256)
        self.output = nn.Linear(256, 10)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        x = x.flatten(start_dim=1)  # (N, 1, 28, 28) -> (N, 784)
        x = self.sigmoid(self.hidden(x))
        return self.output(x)


model = SigmoidNetwork().to(device)
print(model)

# %% [markdown] lang="en"
# `print(model)` lists the layers it found. You never call `forward` yourself: you call the model
# like a function, `model(images)`, and `nn.Module` calls `forward` for you (plus any hooks that
# tools attach to it). Every weight and bias was registered automatically, with a name:

# %% [markdown] lang="zh"
# `print(model)` 列出了它登记到的各个层。你不需要亲自调用 `forward`：像调用函数一样写 `model(images)`，
# `nn.Module` 就会替你调用 `forward`（还会运行各种工具挂在模型上的钩子）。每个权重和偏置都已自动登记，而且有名字：

# %%
logits = model(images)
print("logits:", logits.shape)

for name, parameter in model.named_parameters():
    print(f"{name:15s} {str(tuple(parameter.shape)):12s} requires_grad={parameter.requires_grad}")
n_parameters = sum(p.numel() for p in model.parameters())
print(helper.tr(en=f"{n_parameters:,} parameters", zh=f"共 {n_parameters:,} 个参数"))

# %% [markdown] lang="en"
# 203,530 parameters, the same count as in lesson 1. `requires_grad=True` means autograd will
# compute gradients for them; that is how they will be trained.
#
# To convince ourselves that `nn.Linear` does nothing magic, let us redo the forward pass by hand,
# lesson-1 style, with the model's own weights:

# %% [markdown] lang="zh"
# 一共 203,530 个参数，与第 1 课的计数相同。`requires_grad=True` 表示自动求导（autograd）会为它们计算梯度，
# 网络正是靠这些梯度来训练的。
#
# 为了确认 `nn.Linear` 没有什么神秘之处，我们用模型自己的权重，按第 1 课的写法手算一遍前向传播：

# %%
W1, b1 = model.hidden.weight, model.hidden.bias
W2, b2 = model.output.weight, model.output.bias
print("W1:", tuple(W1.shape), " W2:", tuple(W2.shape))

inputs = images.flatten(start_dim=1)
by_hand = torch.sigmoid(inputs @ W1.T + b1) @ W2.T + b2
print(helper.tr(en="same as model(images):", zh="与 model(images) 相同："), torch.allclose(by_hand, logits, atol=1e-6))

# %% [markdown] lang="en"
# **Think:** `model.hidden.weight` has shape `(256, 784)`. What does its row 3 mean? And its
# column 3? (Hint: column 3 multiplies one particular pixel.)

# %% [markdown] lang="zh"
# **想一想：** `model.hidden.weight` 的形状是 `(256, 784)`。它的第 3 行表示什么？第 3 列呢？
# （提示：第 3 列里的数都乘在同一个像素上。）

# %% [markdown] lang="en"
# ## 2. The same with `torch.nn.functional`, and ReLU
#
# A sigmoid has no parameters, so it does not need to be a layer object. `torch.nn.functional`
# (imported as `F`) has every activation as a plain function: `F.sigmoid`, `F.relu`, `F.softmax`...
# The usual style is: layers *with* weights in `__init__`, parameter-free operations as `F`
# functions in `forward`.
#
# Time to meet the activation that modern networks use between their layers, the **rectified
# linear unit**:
#
# $$\operatorname{ReLU}(z) = \max(0, z).$$
#
# It lets positive values through unchanged and replaces negative values by 0:

# %% [markdown] lang="zh"
# ## 2. 用 `torch.nn.functional` 改写，并认识 ReLU
#
# sigmoid 没有参数，因此不必做成一个层对象。`torch.nn.functional`（通常导入为 `F`）把所有激活函数都提供成了
# 普通函数：`F.sigmoid`、`F.relu`、`F.softmax`……常见的写法是：*有*权重的层放在 `__init__` 里，
# 没有参数的运算在 `forward` 里用 `F` 中的函数完成。
#
# 现在来认识现代网络在层与层之间最常用的激活函数，**修正线性单元**（ReLU）：
#
# $$\operatorname{ReLU}(z) = \max(0, z).$$
#
# 它让正数原样通过，把负数换成 0：

# %%
z = torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0])
print("z          ", z)
print("F.sigmoid  ", F.sigmoid(z))
print("F.relu     ", F.relu(z))

# %% [markdown] lang="en"
# Why ReLU rather than sigmoid? Training sends gradients backwards through every layer (the next
# lesson shows how), multiplying them by each activation's slope on the way. The sigmoid's slope
# $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ is at most $0.25$, and almost 0 for large $|z|$, so the
# gradient shrinks with every sigmoid layer it passes. ReLU's slope is exactly 1 for every positive
# input: the signal passes undamped, and ReLU is also cheaper to compute.
#
# Here is lesson 1's network again, with its activation taken from `F`:

# %% [markdown] lang="zh"
# 为什么用 ReLU 而不用 sigmoid？训练时，梯度要反向穿过每一层（下一课会讲具体怎么做），每经过一层都要乘以该层激活函数的斜率。
# sigmoid 的斜率 $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ 最大只有 $0.25$，$|z|$ 较大时几乎为 0，
# 所以梯度每经过一个 sigmoid 层就缩小一截。ReLU 对所有正输入的斜率都恰好是 1：信号不会衰减，而且 ReLU 计算起来也更快。
#
# 下面还是第 1 课的网络，只是激活函数改用 `F` 中的函数：

# %%
class FunctionalNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(784, 256)
        self.output = nn.Linear(256, 10)

    def forward(self, x):
        x = x.flatten(start_dim=1)
        x = F.sigmoid(self.hidden(x))
        return self.output(x)


model = FunctionalNetwork().to(device)
# [en] No Sigmoid in the list: F.sigmoid is a function, not a layer.
# [zh] 列表里没有 Sigmoid：F.sigmoid 是一个函数，不是层。
print(model)

logits = model(images)
probabilities = F.softmax(logits, dim=1)
print(helper.tr(en="row sums:", zh="每行之和："), probabilities.sum(dim=1)[:4])

# %% [markdown] lang="en"
# **Where does softmax go?** `forward` returns the 10 raw scores, the *logits*, and we apply
# `F.softmax(logits, dim=1)` (the function you wrote in lesson 1) only when we want to read
# probabilities. That is deliberate: the loss function used for training classifiers,
# `nn.CrossEntropyLoss`, takes logits and folds the softmax into its own computation, using the
# max-subtraction trick from lesson 1 so that it never overflows. A model that already applied
# softmax would get it applied twice. So: **models return logits.**

# %% [markdown] lang="zh"
# **softmax 放在哪里？** `forward` 返回 10 个原始分数，即 *logits*；只有在想读出概率时，我们才调用
# `F.softmax(logits, dim=1)`（也就是你在第 1 课写过的函数）。这是有意为之：训练分类器所用的损失函数
# `nn.CrossEntropyLoss` 接收的就是 logits，它把 softmax 融合进自己的计算中，并使用第 1 课的“减去最大值”技巧，
# 因此永远不会溢出。如果模型自己已经做了 softmax，就等于做了两次。所以记住：**模型返回 logits。**

# %% [markdown] lang="en"
# ## 3. Your turn: a deeper network with ReLU
#
# Networks usually have more than one hidden layer. Build this one:
#
# | layer | operation | output shape |
# |---|---|---|
# | input | flatten the images | `(N, 784)` |
# | `fc1` | `nn.Linear(784, 128)`, then ReLU | `(N, 128)` |
# | `fc2` | `nn.Linear(128, 64)`, then ReLU | `(N, 64)` |
# | `fc3` | `nn.Linear(64, 10)`, no activation | `(N, 10)`, the logits |
#
# That makes $784 \cdot 128 + 128 + 128 \cdot 64 + 64 + 64 \cdot 10 + 10 = 109{,}386$ parameters.

# %% [markdown] lang="zh"
# ## 3. 动手练习：一个更深的 ReLU 网络
#
# 网络通常不止一个隐藏层。请搭建下面这个网络：
#
# | 层 | 运算 | 输出形状 |
# |---|---|---|
# | 输入 | 把图片展平 | `(N, 784)` |
# | `fc1` | `nn.Linear(784, 128)`，然后 ReLU | `(N, 128)` |
# | `fc2` | `nn.Linear(128, 64)`，然后 ReLU | `(N, 64)` |
# | `fc3` | `nn.Linear(64, 10)`，不接激活函数 | `(N, 10)`，即 logits |
#
# 参数总数为 $784 \cdot 128 + 128 + 128 \cdot 64 + 64 + 64 \cdot 10 + 10 = 109{,}386$。

# %%
helper.diagrams.mlp((784, 128, 64, 10));

# %% [markdown] lang="en"
# ### Exercise (3 points): `class Network(nn.Module)`
#
# * Create the three layers in `__init__` as `nn.Linear` attributes named exactly `fc1`, `fc2`, `fc3`
#   (the checks and the rest of this lesson use these names).
# * `forward(x)` accepts a batch of images of shape `(N, 1, 28, 28)` **or** an already flat batch of
#   shape `(N, 784)`, and returns logits of shape `(N, 10)`. Flatten so that both work and the batch
#   dimension is kept.
# * ReLU after `fc1` and after `fc2`; nothing after `fc3`: no ReLU, no softmax.
#
# Run the check cell below it. The autograder also tests your class with other weights, batch
# sizes and dtypes.

# %% [markdown] lang="zh"
# ### 练习（3 分）：`class Network(nn.Module)`
#
# * 在 `__init__` 中把三个层创建为 `nn.Linear` 属性，名字必须是 `fc1`、`fc2`、`fc3`（检查和本课后面的代码都用这些名字）。
# * `forward(x)` 既要能接收形状为 `(N, 1, 28, 28)` 的一批图片，**也要**能接收已经展平、形状为 `(N, 784)`
#   的一批数据，并返回形状为 `(N, 10)` 的 logits。展平时要让两种形状都能用，并且保留批量维度。
# * `fc1` 和 `fc2` 之后各接一个 ReLU；`fc3` 之后什么都不接：既没有 ReLU，也没有 softmax。
#
# 写完后运行下面的检查单元格。自动评分还会用别的权重、批量大小和数据类型来测试你的类。

# %% solution="network"
class Network(nn.Module):
    # [en] 784 -> 128 -> 64 -> 10, with ReLU between the layers; forward returns logits.
    # [zh] 784 -> 128 -> 64 -> 10，层与层之间用 ReLU；forward 返回 logits。

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        # [en] (N, 1, 28, 28) or (N, 784) -> (N, 784)
        # [zh] (N, 1, 28, 28) 或 (N, 784) -> (N, 784)
        x = torch.flatten(x, start_dim=1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        # [en] logits: no activation after the last layer
        # [zh] logits：最后一层之后不接激活函数
        return self.fc3(x)
        ### END SOLUTION


# %% tests="test_network" points=3
from autograder import check

check("network", Network)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("network", Network)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# **Think:** suppose you left out both ReLUs. Then `fc3(fc2(fc1(x)))` is a product of three
# matrices plus some bias terms: which single `nn.Linear` computes exactly the same function, and
# how many parameters would it need?

# %% [markdown] lang="zh"
# **想一想：** 如果把两个 ReLU 都去掉，`fc3(fc2(fc1(x)))` 就只是三个矩阵的乘积再加上一些偏置项。
# 哪一个单独的 `nn.Linear` 能计算出完全相同的函数？它需要多少个参数？

# %% [markdown] lang="en"
# ## 4. `nn.Sequential`: a network as a list of layers
#
# When the data simply flows through the layers one after another, as in every network so far,
# writing a class is more than we need. `nn.Sequential` takes the layers in order and runs them
# in that order. Here ReLU comes in as a layer, `nn.ReLU()`, and flattening as `nn.Flatten()`
# (which keeps dimension 0, the batch, like `flatten(start_dim=1)`):

# %% [markdown] lang="zh"
# ## 4. `nn.Sequential`：把网络写成一串层
#
# 如果数据只是一层接一层地流过网络（到目前为止的所有网络都是这样），写一个类就有点小题大做了。
# `nn.Sequential` 按顺序接收各层，并按同样的顺序执行它们。这里 ReLU 以层的形式 `nn.ReLU()` 出现，
# 展平则用 `nn.Flatten()`（和 `flatten(start_dim=1)` 一样，它保留第 0 维，也就是批量维度）：

# %%
model = nn.Sequential(
    nn.Flatten(),
    nn.Linear(784, 256),
    nn.ReLU(),
    nn.Linear(256, 10),
).to(device)
print(model)
print("logits:", model(images).shape)
print("model[1]:", model[1], helper.tr(en="with weight", zh="权重形状"), tuple(model[1].weight.shape))

# %% [markdown] lang="en"
# The layers are numbered, so `model[1]` is the first `nn.Linear`. Numbers are easy to get wrong
# once a network grows; give the layers names instead by passing an `OrderedDict` of
# `(name, layer)` pairs. Each name must be unique, and becomes an attribute:

# %% [markdown] lang="zh"
# 各层是按编号排列的，所以 `model[1]` 是第一个 `nn.Linear`。网络一大，编号就很容易弄错；更好的办法是给各层起名字：
# 传入一个由 `(名字, 层)` 组成的 `OrderedDict`。每个名字必须唯一，并且会成为模型的属性：

# %%
model = nn.Sequential(OrderedDict([
    ("flatten", nn.Flatten()),
    ("fc1", nn.Linear(784, 256)),
    ("relu", nn.ReLU()),
    ("fc2", nn.Linear(256, 10)),
])).to(device)
print(model)
print(model.fc1, helper.tr(en="is model[1]:", zh="就是 model[1]："), model.fc1 is model[1])

# %% [markdown] lang="en"
# Use `nn.Sequential` for a straight chain of layers, and write an `nn.Module` class as soon as
# `forward` needs anything else: two inputs, a branch, a layer used twice, a shortcut connection.

# %% [markdown] lang="zh"
# 层与层之间是一条直线时，用 `nn.Sequential`；一旦 `forward` 需要别的东西（两个输入、分支、同一层用两次、跳跃连接），
# 就写一个 `nn.Module` 类。

# %% [markdown] lang="en"
# ## 5. Weights and biases: look, then initialise
#
# The parameters of a layer are attributes: `model.fc1.weight` and `model.fc1.bias`. They are
# tensors of a special kind, `nn.Parameter`, which is how the module knew to register them.
# PyTorch has already filled them with random numbers:

# %% [markdown] lang="zh"
# ## 5. 权重和偏置：先看看，再初始化
#
# 一个层的参数就是它的属性：`model.fc1.weight` 和 `model.fc1.bias`。它们是一种特殊的张量 `nn.Parameter`，
# 模块正是凭这一点自动登记它们的。PyTorch 已经用随机数填好了它们：

# %%
weight, bias = model.fc1.weight, model.fc1.bias
print(type(weight).__name__, tuple(weight.shape), tuple(bias.shape))
print(helper.tr(en=f"weights between {weight.min().item():.4f} and {weight.max().item():.4f}; ",
                zh=f"权重介于 {weight.min().item():.4f} 和 {weight.max().item():.4f} 之间；")
      + f"1/sqrt(784) = {1 / 784 ** 0.5:.4f}")
print(helper.tr(en="std of the weights", zh="权重的标准差"), f"{weight.std().item():.4f}; 1/sqrt(3 * 784) = {1 / (3 * 784) ** 0.5:.4f}")

# %% [markdown] lang="en"
# By default `nn.Linear(in, out)` draws its weights and biases uniformly from
# $[-1/\sqrt{\text{in}},\ 1/\sqrt{\text{in}}]$, here $\pm 1/28 \approx \pm 0.036$. (PyTorch gets there
# through `nn.init.kaiming_uniform_` with the argument `a=√5`, a historical choice that works out to
# exactly this bound.) A uniform distribution on $[-b, b]$ has standard deviation $b/\sqrt{3}$, so
# the weights' standard deviation is $1/\sqrt{3\,\text{in}} \approx 0.021$, not $1/\sqrt{\text{in}}$.
#
# Why shrink with the number of inputs? A hidden unit adds up `in` terms $w_j x_j$; for independent
# random terms the variance of the sum is `in` times the variance of one term. With
# $\operatorname{Var}(w) = 1/(3\,\text{in})$ the factor `in` cancels, but a factor $1/3$ is left:
# each default layer makes its outputs about $\sqrt{3}$ times smaller than its inputs, and a ReLU,
# which zeroes half of them, shrinks them further. For a few layers that does no harm (and the
# exercise's network trains well with it); in a deep network the signal fades layer by layer.
# Section 5b shows the initialisations made for this. Lesson 1 drew its weights from a standard
# normal distribution (standard deviation 1), about fifty times too large: that is why its logits
# were huge and its softmax so sure of itself.
#
# To set the weights yourself, you change a parameter **in place**. Autograd will not let you do
# that to a tensor it tracks for gradients, on purpose:

# %% [markdown] lang="zh"
# 默认情况下，`nn.Linear(in, out)` 的权重和偏置都从均匀分布 $[-1/\sqrt{\text{in}},\ 1/\sqrt{\text{in}}]$ 中抽取，
# 这里是 $\pm 1/28 \approx \pm 0.036$。（PyTorch 内部调用的是带参数 `a=√5` 的 `nn.init.kaiming_uniform_`，
# 这是一个历史遗留的选择，算下来恰好就是这个范围。）$[-b, b]$ 上均匀分布的标准差是 $b/\sqrt{3}$，
# 所以权重的标准差是 $1/\sqrt{3\,\text{in}} \approx 0.021$，而不是 $1/\sqrt{\text{in}}$。
#
# 为什么输入越多，范围越小？一个隐藏单元要把 `in` 项 $w_j x_j$ 加起来；相互独立的随机项求和，和的方差是单项方差的
# `in` 倍。$\operatorname{Var}(w) = 1/(3\,\text{in})$ 正好抵消了这个 `in`，却还剩下一个因子 $1/3$：
# 每经过一个默认初始化的层，输出就比输入小大约 $\sqrt{3}$ 倍；ReLU 又把其中一半置零，输出变得更小。
# 只有几层时这无伤大雅（练习里的网络照样训练得很好）；层数一多，信号就会一层层衰减下去。
# 第 5b 节介绍专门为此设计的初始化方法。第 1 课的权重取自标准正态分布（标准差为 1），大了大约五十倍：
# 这就是那里的 logits 很大、softmax 又那么“自信”的原因。
#
# 要自己设置权重，就得**原地**修改参数。对于需要计算梯度、正被自动求导追踪的张量，autograd 特意不允许这样做：

# %%
try:
    model.fc1.bias.fill_(0)
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown] lang="en"
# Setting a weight is not part of the network's computation, so we tell autograd not to record
# it: inside `with torch.no_grad():` in-place changes are allowed. The functions of `nn.init`
# (their names end in `_`, PyTorch's mark for "in place") do this for you:

# %% [markdown] lang="zh"
# 设置权重并不属于网络的计算过程，所以我们要告诉 autograd 不必记录：在 `with torch.no_grad():` 里就可以原地修改了。
# `nn.init` 中的函数（名字以 `_` 结尾，这是 PyTorch 表示“原地操作”的记号）会自动替你这样做：

# %%
with torch.no_grad():
    model.fc1.bias.fill_(0)
nn.init.normal_(model.fc1.weight, std=0.01)
nn.init.zeros_(model.fc2.bias)
nn.init.normal_(model.fc2.weight, std=0.01)

print("fc1.bias[:5]  ", model.fc1.bias[:5].tolist())
print(helper.tr(en="std of fc1.weight", zh="fc1.weight 的标准差"), round(model.fc1.weight.std().item(), 4))

# %% [markdown] lang="en"
# To initialise every layer of a model the same way, write a function for one layer and let
# `model.apply` call it on every submodule:

# %% [markdown] lang="zh"
# 想用同一种方式初始化模型的所有层，可以先写一个处理单个层的函数，再让 `model.apply` 对每个子模块调用它：

# %%
def init_weights(module):
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, std=0.01)
        nn.init.zeros_(module.bias)


model.apply(init_weights)
print("fc2.bias:", model.fc2.bias)

# %% [markdown] lang="en"
# ### 5b. Initialisations for deep networks: Kaiming and Xavier
#
# To keep the size of the signal from layer to layer, choose the variance of the weights so that
# the factor left over above is 1:
#
# * **Kaiming (He) initialisation** for ReLU networks: $\operatorname{Var}(w) = 2/\text{in}$. The 2
#   makes up for the half of the inputs that ReLU sets to zero.
#   `nn.init.kaiming_normal_(weight, nonlinearity="relu")`.
# * **Xavier (Glorot) initialisation** for tanh (and sigmoid) networks:
#   $\operatorname{Var}(w) = 2/(\text{in} + \text{out})$, a compromise between keeping the forward
#   signal and the backward gradients the same size. `nn.init.xavier_uniform_(weight, gain=nn.init.calculate_gain("tanh"))`.
#
# Below, a stack of 20 ReLU layers of width 256 gets random inputs of standard deviation 1; we print
# the standard deviation of what comes out of the last layer:

# %% [markdown] lang="zh"
# ### 5b. 深层网络的初始化：Kaiming 与 Xavier
#
# 要让信号的大小逐层保持不变，就要选好权重的方差，让上面剩下的那个因子等于 1：
#
# * **Kaiming（何恺明）初始化**，用于 ReLU 网络：$\operatorname{Var}(w) = 2/\text{in}$。这里的 2 补偿了被 ReLU
#   置零的那一半输入。对应 `nn.init.kaiming_normal_(weight, nonlinearity="relu")`。
# * **Xavier（Glorot）初始化**，用于 tanh（以及 sigmoid）网络：$\operatorname{Var}(w) = 2/(\text{in} + \text{out})$，
#   在“前向信号大小不变”和“反向梯度大小不变”之间取了个折中。对应
#   `nn.init.xavier_uniform_(weight, gain=nn.init.calculate_gain("tanh"))`。
#
# 下面把 20 个宽度为 256 的 ReLU 层叠在一起，输入标准差为 1 的随机数，打印最后一层输出的标准差：

# %%
def deep_relu_net(init):
    layers = []
    for _ in range(20):
        layer = nn.Linear(256, 256)
        if init is not None:
            init(layer.weight)
        # [en] Zero biases, so that what comes out depends on the input alone.
        # [zh] 偏置全部设为 0，这样输出只取决于输入。
        nn.init.zeros_(layer.bias)
        layers += [layer, nn.ReLU()]
    return nn.Sequential(*layers)


x = torch.randn(512, 256)
inits = {
    helper.tr(en="nn.Linear default", zh="nn.Linear 默认"): None,
    "kaiming_normal_": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "xavier_uniform_": nn.init.xavier_uniform_,
}
with torch.no_grad():
    for name, init in inits.items():
        print(f"{name:18s}", helper.tr(en="std after 20 layers:", zh="20 层之后的标准差："), f"{deep_relu_net(init)(x).std().item():.2e}")

# %% [markdown] lang="en"
# With the default weights the second moment of the signal shrinks by a factor of about 6 per
# layer (1/3 from the weights, 1/2 from ReLU): after 20 layers the output is about $10^{-8}$,
# nothing left to learn from (and the gradients flowing back shrink the same way). Kaiming keeps it
# near the size of the input. Xavier, made for tanh, loses a factor of 2 per ReLU layer and ends
# near $10^{-3}$. Choose the initialisation for the activation
# you use: Kaiming for ReLU, Xavier for tanh. Our networks here are shallow, so the default is fine.

# %% [markdown] lang="zh"
# 用默认的权重时，信号的二阶矩每经过一层就缩小到大约 1/6（权重带来 1/3，ReLU 再带来 1/2）：
# 20 层之后，输出只剩 $10^{-8}$ 左右，已经没什么可学的了（反向传回来的梯度也会同样地缩小）。
# Kaiming 初始化让它保持在和输入差不多的大小。为 tanh 设计的 Xavier 初始化每经过一个 ReLU 层就损失一半，最后在 $10^{-3}$ 左右。所以要按所用的激活函数来选初始化：
# ReLU 用 Kaiming，tanh 用 Xavier。本课的网络都很浅，用默认初始化就够了。

# %% [markdown] lang="en"
# **Think:** why random weights at all? Suppose every weight of `fc1` started at the same value,
# say 0. What would the 256 hidden units compute, and could training ever make them different?

# %% [markdown] lang="zh"
# **想一想：** 为什么权重非要随机初始化？假设 `fc1` 的所有权重一开始都取同一个值，比如 0。
# 这 256 个隐藏单元会算出什么？训练能让它们变得各不相同吗？

# %% [markdown] lang="en"
# ## 6. Your network meets real digits
#
# Now the network from your exercise, with the small initialisation from above, on the batch of
# digits. It returns logits; `F.softmax` turns them into probabilities for the plot.

# %% [markdown] lang="zh"
# ## 6. 你的网络遇上真实的手写数字
#
# 现在把练习中你写的网络用上面那种较小的初始值初始化，让它处理这批手写数字。它输出的是 logits，
# 用 `F.softmax` 把它们变成概率后再画图。

# %%
model = Network().to(device)
model.apply(init_weights)
print(model)
n_parameters = sum(p.numel() for p in model.parameters())
print(helper.tr(en=f"{n_parameters:,} parameters", zh=f"共 {n_parameters:,} 个参数"))

# [en] We only look at the outputs: no_grad skips recording the computation for gradients.
# [zh] 这里只看输出：no_grad 让 autograd 不必为求梯度而记录计算过程。
with torch.no_grad():
    logits = model(images)
probabilities = F.softmax(logits, dim=1)
print(helper.tr(en="logits of the first image:", zh="第一张图片的 logits："), logits[0])
helper.view_classify(images[0], probabilities[0], classes="mnist");

# %% [markdown] lang="en"
# With weights this small, all ten logits are nearly 0 and every class gets a probability close
# to 0.1: an untrained network that honestly says "I don't know", rather than lesson 1's
# confident nonsense. Its guesses are right about one time in ten:

# %% [markdown] lang="zh"
# 权重这么小，十个 logits 都接近 0，每个类别的概率都在 0.1 左右：这个没训练过的网络老老实实地说“我不知道”，
# 而不是像第 1 课那样自信地胡说。它的猜测大约十次对一次：

# %%
predictions = logits.argmax(dim=1)
accuracy = (predictions == labels).float().mean().item()
print(helper.tr(en=f"accuracy on this batch: {accuracy:.0%}", zh=f"这一批的准确率：{accuracy:.0%}"))

# %% [markdown] lang="en"
# ## Summary
#
# * An `nn.Module` creates its layers in `__init__` and uses them in `forward`; every `nn.Parameter`
#   of its layers is registered, so `model.parameters()` and `model.to(device)` see them all.
# * `nn.Sequential` is the short form for a straight stack of layers; `torch.nn.functional` holds
#   the same operations as functions.
# * ReLU, $\max(0, z)$, is the default activation between layers: cheap, and its gradient does not
#   fade for positive inputs.
# * `nn.Linear` starts with weights uniform in $\pm 1/\sqrt{\text{in}}$ (standard deviation
#   $1/\sqrt{3\,\text{in}}$). Deep networks need Kaiming initialisation for ReLU or Xavier for tanh;
#   set weights in place under `torch.no_grad()` or with `nn.init`.

# %% [markdown] lang="zh"
# ## 小结
#
# * `nn.Module` 在 `__init__` 里创建各层，在 `forward` 里使用它们；各层的每个 `nn.Parameter` 都会自动登记，所以 `model.parameters()` 和 `model.to(device)` 能找到所有参数。
# * `nn.Sequential` 是“一层接一层”的网络的简写；`torch.nn.functional` 以函数的形式提供同样的运算。
# * ReLU，即 $\max(0, z)$，是层与层之间默认的激活函数：计算便宜，而且对正的输入梯度不会衰减。
# * `nn.Linear` 的初始权重在 $\pm 1/\sqrt{\text{in}}$ 内均匀分布（标准差为 $1/\sqrt{3\,\text{in}}$）。深层网络要用 Kaiming 初始化（ReLU）或 Xavier 初始化（tanh）；在 `torch.no_grad()` 里原地修改权重，或者用 `nn.init`。

# %% [markdown] lang="en" answers=true
# ### Answers to the questions (for the instructor)
#
# 1. $x$ is `(64, 784)`, the stored weight $W$ is `(128, 784)`, so $W^\top$ is `(784, 128)` and $x
#    W^\top$ is `(64, 128)`; the bias $b$ is `(128,)` and is broadcast to each of the 64 rows; the
#    output is `(64, 128)`.
# 2. `flatten(start_dim=1)` turns `(1, 28, 28)` into `(1, 784)`: the channel dimension is taken for
#    the batch dimension, and the output `(1, 10)` looks right only by accident (a 3-channel image
#    would silently become "3 images" of 784 values, or fail). Add the batch dimension yourself:
#    `image.unsqueeze(0)` gives `(1, 1, 28, 28)`.
# 3. Its output is 0 and its gradient is 0 for every image, so none of its incoming weights ever
#    changes: the unit is *dead* and stays dead (unless earlier layers happen to change its inputs).
#    A too-large learning rate or a bad initialisation can kill many units; smaller steps, a careful
#    initialisation or a LeakyReLU avoid it.

# %% [markdown] lang="zh" answers=true
# ### 思考题参考答案（供教师使用）
#
# 1. $x$ 的形状是 `(64, 784)`，保存的权重 $W$ 是 `(128, 784)`，所以 $W^\top$ 是 `(784, 128)`，$x W^\top$ 是 `(64, 128)`；偏置 $b$ 的形状是 `(128,)`，通过广播加到 64 行中的每一行；输出是 `(64, 128)`。
# 2. `flatten(start_dim=1)` 把 `(1, 28, 28)` 变成 `(1, 784)`：通道维被当成了批量维度，输出 `(1, 10)` 看起来没问题，只是碰巧（一张 3 通道的图片会悄无声息地变成“3 张”各含 784 个数的图片，或者直接报错）。应该自己加上批量维度：`image.unsqueeze(0)` 得到 `(1, 1, 28, 28)`。
# 3. 它对每张图片的输出都是 0，梯度也都是 0，所以输入它的权重再也不会改变：这个单元“死”了，而且一直死下去（除非前面的层恰好改变了它的输入）。学习率太大或初始化不好会让很多单元死掉；用更小的步长、合适的初始化或 LeakyReLU 可以避免。

# %% [markdown] lang="en"
# ## Questions to think about
#
# 1. `nn.Linear(784, 128)` stores a weight of shape `(128, 784)` and computes $x W^\top + b$.
#    Write out the shapes of every term for a batch of 64.
# 2. Your network accepts `(N, 1, 28, 28)` and `(N, 784)`. What happens with a single image of
#    shape `(1, 28, 28)`, without the batch dimension? How would you fix the input?
# 3. ReLU sets negative inputs to 0, and its slope there is 0 as well. What might happen to a
#    hidden unit whose input is negative for *every* image?
#
# **Next:** LeNet, a *convolutional* network for images, and what happens after the forward pass:
# how autograd computes the gradient of a loss for every weight, and how one step of gradient
# descent uses it.

# %% [markdown] lang="zh"
# ## 思考题
#
# 1. `nn.Linear(784, 128)` 保存的权重形状是 `(128, 784)`，计算的是 $x W^\top + b$。对于一批 64 张图片，
#    写出其中每一项的形状。
# 2. 你的网络能接收 `(N, 1, 28, 28)` 和 `(N, 784)` 两种输入。如果输入单独一张形状为 `(1, 28, 28)`、
#    没有批量维度的图片，会发生什么？应该怎样修正输入？
# 3. ReLU 把负的输入变成 0，而且在那里的斜率也是 0。如果某个隐藏单元对*每一张*图片的输入都是负数，会怎样？
#
# **下一课：** LeNet，一个处理图像的*卷积*神经网络，以及前向传播之后的事情：自动求导怎样为每个权重算出损失函数的梯度，
# 梯度下降又怎样用这些梯度走出一步。
